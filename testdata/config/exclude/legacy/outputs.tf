output "alb_dns_name" {
  description = "Public DNS name of the catalog ALB."
  value       = aws_lb.api.dns_name
}
