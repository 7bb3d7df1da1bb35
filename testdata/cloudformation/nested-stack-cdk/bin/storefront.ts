#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { StorefrontStack } from '../lib/storefront-stack';

const app = new App();
new StorefrontStack(app, 'StorefrontStack', {
  env: { account: '123456789012', region: 'eu-west-1' },
});
