//! CloudFront origins in front of load balancers (CF501–CF503): how an
//! origin's domain name is followed, and what is said when it cannot be.

mod common;
use common::{run, summary};

fn scan(tf: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    summary(&run(dir.path()).findings)
}

fn distribution(domain: &str, extra: &str) -> String {
    format!(
        r#"
resource "aws_lb" "web" {{
  name = "web-public"
}}
{extra}
resource "aws_cloudfront_distribution" "cdn" {{
  enabled = true
  origin {{
    domain_name = {domain}
    origin_id   = "web"
    custom_origin_config {{
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = "https-only"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_keepalive_timeout = 60
    }}
  }}
}}
"#
    )
}

#[test]
fn the_origin_is_followed_by_reference_by_literal_dns_name_and_by_alias_record() {
    for domain in [
        "aws_lb.web.dns_name",
        "\"web-public-1234567890.eu-west-1.elb.amazonaws.com\"",
        "\"dualstack.web-public-1234567890.eu-west-1.elb.amazonaws.com\"",
        "aws_route53_record.origin.fqdn",
        "\"origin.example.com\"",
    ] {
        let record = r#"
resource "aws_route53_record" "origin" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "origin.example.com"
  type    = "A"
  alias {
    name                   = aws_lb.web.dns_name
    zone_id                = aws_lb.web.zone_id
    evaluate_target_health = false
  }
}
"#;
        let got = scan(&distribution(domain, record));
        assert_eq!(got.len(), 1, "{domain}: {got:?}");
        assert!(got[0].starts_with("CF501 - main.tf:"), "{domain}: {got:?}");
    }
}

#[test]
fn an_origin_that_is_not_a_load_balancer_is_not_compared() {
    for domain in ["\"www.example.org\"", "aws_s3_bucket.site.website_endpoint"] {
        let bucket = "resource \"aws_s3_bucket\" \"site\" {\n  bucket = \"site\"\n}";
        let got = scan(&distribution(domain, bucket));
        assert_eq!(got, Vec::<String>::new(), "{domain}");
    }
}

#[test]
fn an_unknown_origin_or_a_load_balancer_outside_the_scan_is_said() {
    let got = scan(&distribution(
        "var.origin_domain",
        "variable \"origin_domain\" {}",
    ));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("UN001 - main.tf:"), "{got:?}");
    let got = scan(&distribution(
        "\"other-alb-99887766.us-east-1.elb.amazonaws.com\"",
        "",
    ));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("UN001 - main.tf:"), "{got:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        distribution("\"other-alb-99887766.us-east-1.elb.amazonaws.com\"", ""),
    )
    .unwrap();
    let r = run(dir.path());
    assert!(
        r.human.contains("load balancer named \"other-alb\""),
        "{}",
        r.human
    );
}

#[test]
fn a_suppression_on_the_distribution_or_the_load_balancer_silences_cf501() {
    let tf = distribution("aws_lb.web.dns_name", "").replace(
        "resource \"aws_cloudfront_distribution\"",
        "# keepalign:ignore CF501 -- the edge retries idempotent requests\nresource \"aws_cloudfront_distribution\"",
    );
    assert_eq!(scan(&tf).len(), 1);
    assert!(scan(&tf)[0].ends_with("(suppressed)"), "{:?}", scan(&tf));
    let tf = distribution("aws_lb.web.dns_name", "").replace(
        "resource \"aws_lb\" \"web\" {",
        "# keepalign:ignore CF501 -- only CloudFront talks to it\nresource \"aws_lb\" \"web\" {",
    );
    assert!(scan(&tf)[0].ends_with("(suppressed)"), "{:?}", scan(&tf));
}

#[test]
fn keepalive_below_the_idle_timeout_and_completion_at_the_read_timeout_pass() {
    let tf = distribution("aws_lb.web.dns_name", "")
        .replace(
            "origin_keepalive_timeout = 60",
            "origin_keepalive_timeout = 55",
        )
        .replace(
            "origin_id   = \"web\"",
            "origin_id   = \"web\"\n    response_completion_timeout = 30",
        );
    assert_eq!(scan(&tf), Vec::<String>::new());
    let tf = tf.replace(
        "response_completion_timeout = 30",
        "response_completion_timeout = 29",
    );
    let got = scan(&tf);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("CF503 - main.tf:"), "{got:?}");
}

#[test]
fn a_vpc_origin_reaches_its_internal_load_balancer_by_arn() {
    let tf = r#"
resource "aws_lb" "internal" {
  name     = "api-internal"
  internal = true
}
resource "aws_cloudfront_vpc_origin" "api" {
  vpc_origin_endpoint_config {
    name                   = "api"
    arn                    = aws_lb.internal.arn
    http_port              = 80
    https_port             = 443
    origin_protocol_policy = "http-only"
    origin_ssl_protocols {
      items    = ["TLSv1.2"]
      quantity = 1
    }
  }
}
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  origin {
    domain_name = aws_lb.internal.dns_name
    origin_id   = "api"
    vpc_origin_config {
      vpc_origin_id            = aws_cloudfront_vpc_origin.api.id
      origin_keepalive_timeout = 60
    }
  }
}
"#;
    let got = scan(tf);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("CF501 - main.tf:26"), "{got:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        tf.replace(
            "aws_lb.internal.arn",
            "\"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/api-internal/50dc6c495c0c9188\"",
        ),
    )
    .unwrap();
    let got = summary(&run(dir.path()).findings);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("CF501"), "{got:?}");
}
