# A Rails app on Elastic Beanstalk. The environment's settings live in the
# application bundle (app/.ebextensions), as the Beanstalk CLI writes them.

resource "aws_elastic_beanstalk_application" "billing" {
  name = "billing"
}

resource "aws_elastic_beanstalk_environment" "billing" {
  name                = "billing-production"
  application         = aws_elastic_beanstalk_application.billing.name
  solution_stack_name = "64bit Amazon Linux 2023 v4.1.1 running Ruby 3.3"

  setting {
    namespace = "aws:autoscaling:asg"
    name      = "MinSize"
    value     = "2"
  }
}
