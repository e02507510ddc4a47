import { ResourceValidationPolicy } from "@pulumi/policy";

export const EVENT_SOURCE_MAPPING_TYPE = "aws:lambda/eventSourceMapping:EventSourceMapping";

export const ON_FAILURE_DESTINATION =
    "Stream event source mappings must send batches they give up on to an on-failure destination: set destinationConfig.onFailure.destinationArn (an SQS queue or SNS topic).";
export const REPORT_BATCH_ITEM_FAILURES =
    "Stream event source mappings must report partial batch failures: add \"ReportBatchItemFailures\" to functionResponseTypes, so one bad record does not replay the whole batch.";

/** DynamoDB and Kinesis streams: the sources whose records Lambda retries in order, per shard. */
function isStreamSource(arn: unknown): boolean {
    return typeof arn === "string" && (/^arn:aws[\w-]*:dynamodb:.*\/stream\//.test(arn) || /^arn:aws[\w-]*:kinesis:/.test(arn));
}

export const streamFailureHandling: ResourceValidationPolicy = {
    name: "lambda-stream-failure-handling",
    description: "Every stream event source mapping reports partial batch failures and has an on-failure destination.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== EVENT_SOURCE_MAPPING_TYPE) {
            return;
        }
        // During a real preview the stream ARN may be unknown; a mapping with a starting
        // position reads a stream (queues take none), which is enough to know it applies.
        if (!isStreamSource(args.props.eventSourceArn) && args.props.startingPosition === undefined) {
            return;
        }
        if (!args.props.destinationConfig?.onFailure?.destinationArn) {
            reportViolation(ON_FAILURE_DESTINATION);
        }
        const responseTypes: unknown[] = args.props.functionResponseTypes ?? [];
        if (!responseTypes.includes("ReportBatchItemFailures")) {
            reportViolation(REPORT_BATCH_ITEM_FAILURES);
        }
    },
};
