#!/usr/bin/env -S npx tsx
import { buildApp } from '../lib/app.ts';

// Environment-agnostic on purpose: `cdk deploy` targets the account and region of the
// credentials it runs with. Settings: context in cdk.json or `-c lobby:...=...`, the stage
// first (`-c lobby:stage=prod`, default dev); every key is in lib/settings.ts and the README.
buildApp();
