"""Tests of movement_like.kinematics, one module per kinematics module."""
