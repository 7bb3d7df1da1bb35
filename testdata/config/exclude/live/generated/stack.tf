# Written by a code generator that is half-way through a run.
resource "aws_lb" "generated" {
  name = "generated
