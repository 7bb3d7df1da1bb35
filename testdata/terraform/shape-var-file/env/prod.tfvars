environment   = "prod"
region        = "us-east-1"
vpc_id        = "vpc-0aa1bb2cc3dd4ee5f"
subnet_ids    = ["subnet-0f00d1e2c3b4a5961", "subnet-0f00d1e2c3b4a5962", "subnet-0f00d1e2c3b4a5963"]
image         = "890123456789.dkr.ecr.us-east-1.amazonaws.com/ledger:7.1.4"
cpu           = 1024
memory        = 2048
desired_count = 4

# Settlement batch endpoints hold connections for minutes.
alb_idle_timeout   = 300
keep_alive_timeout = 65
