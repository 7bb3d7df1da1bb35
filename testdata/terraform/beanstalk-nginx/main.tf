# A Django site, its Celery worker, an old PHP site and an internal API on
# Elastic Beanstalk.

resource "aws_elastic_beanstalk_application" "shop" {
  name = "shop"
}

# Long report downloads: the ALB waits 120 s, but the platform's nginx in
# front of gunicorn still closes idle connections after 60 s.
resource "aws_elastic_beanstalk_environment" "web" {
  name                = "shop-web"
  application         = aws_elastic_beanstalk_application.shop.name
  solution_stack_name = "64bit Amazon Linux 2023 v4.3.2 running Python 3.11"

  setting {
    namespace = "aws:elasticbeanstalk:environment"
    name      = "LoadBalancerType"
    value     = "application"
  }

  setting {
    namespace = "aws:elbv2:loadbalancer"
    name      = "IdleTimeout"
    value     = "120"
  }

  setting {
    namespace = "aws:autoscaling:launchconfiguration"
    name      = "InstanceType"
    value     = "t3.small"
  }
}

# Workers have no load balancer.
resource "aws_elastic_beanstalk_environment" "worker" {
  name                = "shop-worker"
  application         = aws_elastic_beanstalk_application.shop.name
  solution_stack_name = "64bit Amazon Linux 2023 v4.3.2 running Python 3.11"
  tier                = "Worker"
}

# The legacy site starts from a saved configuration: a Classic ELB (the
# default load balancer type) that closes idle connections after 30 s.
resource "aws_elastic_beanstalk_configuration_template" "legacy" {
  name                = "legacy-base"
  application         = aws_elastic_beanstalk_application.shop.name
  solution_stack_name = "64bit Amazon Linux 2 v3.8.1 running PHP 8.1"

  setting {
    namespace = "aws:elb:policies"
    name      = "ConnectionSettingIdleTimeout"
    value     = "30"
  }
}

resource "aws_elastic_beanstalk_environment" "legacy" {
  name          = "shop-legacy"
  application   = aws_elastic_beanstalk_application.shop.name
  template_name = aws_elastic_beanstalk_configuration_template.legacy.name
}

# The internal API serves HTTP itself (uvicorn, keep-alive 75 s): no proxy.
resource "aws_elastic_beanstalk_environment" "api" {
  name                = "shop-api"
  application         = aws_elastic_beanstalk_application.shop.name
  solution_stack_name = "64bit Amazon Linux 2023 v4.3.2 running Python 3.11"

  setting {
    namespace = "aws:elasticbeanstalk:environment"
    name      = "LoadBalancerType"
    value     = "application"
  }

  setting {
    namespace = "aws:elasticbeanstalk:environment:proxy"
    name      = "ProxyServer"
    value     = "none"
  }
}
