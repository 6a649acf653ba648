#!/usr/bin/env -S npx tsx
import { buildApp } from '../lib/app.ts';

// Environment-agnostic on purpose: `cdk deploy` targets the account and region of the
// credentials it runs with. Settings: context in cdk.json or `-c lobby:...=...`
// (lobby:photoRetentionDays, lobby:cognitoFeaturePlan, lobby:alarmTopicArn).
buildApp();
