-- wrk script for the responder's capacity: the same request `replay load`
-- sends (management account, us-east-1, ec2:DescribeVpcs with MaxResults),
-- which orgscope's record run has cached.
wrk.method = "POST"
wrk.body = "Action=DescribeVpcs&Version=2016-11-15&MaxResults=1000"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] =
  "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0"
