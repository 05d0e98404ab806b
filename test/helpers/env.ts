// The AWS SDK warns on Node 20 about its 2027 releases; the Lambda runtime is Node 24.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
