//! Black-box HTTP tests: placeholder replaced below.
