import { Duration, NestedStack, NestedStackProps, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

interface WebProps extends NestedStackProps {
  cluster: ecs.ICluster;
  targetGroup: elbv2.ApplicationTargetGroup;
}

/** The Next.js storefront, in a nested stack of its own. */
class Web extends NestedStack {
  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id, props);
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: 512,
      memoryLimitMiB: 1024,
    });
    taskDefinition.addContainer('web', {
      image: ecs.ContainerImage.fromRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com/storefront-web:3.4.1'),
      command: ['npm', 'start'],
      portMappings: [{ containerPort: 3000 }],
    });
    const service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition,
      desiredCount: 2,
    });
    props.targetGroup.addTarget(service);
  }
}

export class StorefrontStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: 'vpc-0123456789abcdef0' });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const lb = new elbv2.ApplicationLoadBalancer(this, 'LB', {
      vpc,
      internetFacing: true,
      idleTimeout: Duration.seconds(90),
    });
    const listener = lb.addListener('HttpListener', { port: 80 });
    const targetGroup = listener.addTargets('WebGroup', { port: 3000 });
    new Web(this, 'Web', { cluster, targetGroup });
  }
}
