#!/usr/bin/env node
// A tiny Elastic Transcoder command line on the AWS SDK for JavaScript v2, for the tests: the AWS CLI no longer
// has the elastictranscoder commands, and this SDK is the last AWS client that does. It plays the CLI's part:
//   node et.js --endpoint-url URL OPERATION [JSON]      e.g.  node et.js --endpoint-url http://127.0.0.1:4566 readJob '{"Id":"..."}'
// prints the response as JSON on stdout (exit 0), or "CODE: message" on stderr (exit 255, as the CLI does).
// Credentials and region come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).
'use strict';
// Its end-of-support notice would land on stderr beside the answer; the tests know.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
const AWS = require('aws-sdk');

const args = process.argv.slice(2);
if (args[0] !== '--endpoint-url' || args.length < 3 || args.length > 4) {
  process.stderr.write('usage: et.js --endpoint-url URL OPERATION [JSON-PARAMS]\n');
  process.exit(2);
}
const [, endpoint, operation, json] = args;
const et = new AWS.ElasticTranscoder({
  endpoint,
  region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1',
  maxRetries: 0,
});
if (typeof et[operation] !== 'function' || !et.api.operations[operation]) {
  process.stderr.write(`unknown operation '${operation}'\n`);
  process.exit(2);
}
et[operation](json ? JSON.parse(json) : {}).promise().then(
  (response) => process.stdout.write(JSON.stringify(response) + '\n'),
  (error) => {
    process.stderr.write(`${error.code}: ${error.message}\n`);
    process.exit(255);
  });
