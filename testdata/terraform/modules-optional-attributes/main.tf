resource "aws_lb" "public" {
  name               = "shop-public"
  internal           = false
  load_balancer_type = "application"
  subnets            = ["subnet-0f1e2d3c4b5a69788", "subnet-0a9b8c7d6e5f40312"]
  idle_timeout       = 60
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }
}

data "aws_ecr_image" "orders" {
  repository_name = "orders"
  image_tag       = "2.3.1"
}

# Null means "the module's default".
variable "create_orders" {
  type    = bool
  default = null
}

module "orders" {
  source = "./modules/service"

  create       = var.create_orders
  listener_arn = aws_lb_listener.http.arn

  service = {
    name = "orders"
    port = 8000
  }

  container = {
    image = data.aws_ecr_image.orders.image_uri
  }
}
