"""Speed runs. Each prints its figures and ratios against a baseline measured in the same run; none asserts."""
