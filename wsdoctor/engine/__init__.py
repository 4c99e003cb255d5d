"""The diagnosis engine: pure functions from an Intake to ranked causes and a plan."""
