resource "aws_cloudwatch_metric_alarm" "status_5xx" {
  alarm_name          = "status-page-5xx"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "HTTPCode_Target_5XX_Count"
  namespace           = "AWS/ApplicationELB"
  period              = 60
  statistic           = "Sum"
  threshold           = 10

  dimensions = {
    LoadBalancer = aws_lb.status.arn_suffix
    TargetGroup  = aws_lb_target_group.status.arn_suffix

  alarm_description = "More than 10 target 5xx per minute for 3 minutes"
  treat_missing_data = "notBreaching"
}

resource "aws_cloudwatch_metric_alarm" "status_latency" {
  alarm_name          = "status-page-latency"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 5
  metric_name         = "TargetResponseTime"
  namespace           = "AWS/ApplicationELB"
  period              = 60
  extended_statistic  = "p99"
  threshold           = 1.5

  dimensions = {
    LoadBalancer = aws_lb.status.arn_suffix
  }
}
