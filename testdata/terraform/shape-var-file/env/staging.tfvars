environment   = "staging"
region        = "us-east-1"
vpc_id        = "vpc-0bb2cc3dd4ee5ff60"
subnet_ids    = ["subnet-0e00d1e2c3b4a5971", "subnet-0e00d1e2c3b4a5972"]
image         = "890123456789.dkr.ecr.us-east-1.amazonaws.com/ledger:7.2.0-rc1"
desired_count = 1

alb_idle_timeout   = 60
keep_alive_timeout = 65
