#!/usr/bin/env node
import 'source-map-support/register';
import * as cdk from 'aws-cdk-lib';
import { MyServiceStack } from '../lib/my-service-stack';

const app = new cdk.App();
new MyServiceStack(app, 'MyServiceStack', {
  env: { account: '123456789012', region: 'eu-west-1' },
});
