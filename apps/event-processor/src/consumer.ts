import { isUploadKey } from "@trove/contracts";
import { createLogger, describeError, type Logger } from "@trove/http";
import { readConfig } from "./config";
import { handleCreated } from "./created";
import { handleDeadLetter } from "./dead-letter";
import { handleDeleted } from "./deleted";
import { faultOf, retryDelaySeconds } from "./errors";
import { parseMessage, type EventKind } from "./messages";
import type { Outcome } from "./outcome";
import { servicesFrom, type Services } from "./services";

/** Dead-letter queues are named after their queue with this suffix (`trove-r2-events-dlq`). */
const DEAD_LETTER_SUFFIX = "-dlq";

type Handler = (services: Services, key: string, kind: EventKind) => Promise<Outcome>;

const handleEvent: Handler = (services, key, kind) =>
  kind === "create" ? handleCreated(services, key) : handleDeleted(services, key);

interface Consumer {
  services: Services;
  bucketName: string;
  handle: Handler;
  log: Logger;
}

/**
 * Handles a batch from the event queue or its dead-letter queue. Each message is acked or
 * retried on its own, with one log line saying what happened to it.
 */
export async function consumeBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const consumer: Consumer = {
    services: servicesFrom(env),
    bucketName: readConfig(env).bucketName,
    handle: batch.queue.endsWith(DEAD_LETTER_SUFFIX) ? handleDeadLetter : handleEvent,
    log: createLogger({ worker: "event-processor", queue: batch.queue }),
  };
  await Promise.all(batch.messages.map((message) => consumeMessage(consumer, message)));
}

async function consumeMessage(consumer: Consumer, message: Message<unknown>): Promise<void> {
  const { log } = consumer;
  const fields = { messageId: message.id, attempts: message.attempts };

  const parsed = parseMessage(message.body, consumer.bucketName);
  if (!parsed.ok) {
    message.ack();
    log.warn("event", { ...fields, outcome: parsed.code, detail: parsed.detail });
    return;
  }

  const { key } = parsed.event.object;
  const described = { ...fields, key, action: parsed.event.action };
  if (!isUploadKey(key)) {
    message.ack();
    log.info("event", { ...described, outcome: "not_an_upload_key" });
    return;
  }

  try {
    const result = await consumer.handle(consumer.services, key, parsed.kind);
    message.ack();
    // An upload marked failed after every retry is news for whoever runs the service.
    const level = result.outcome === "failed" ? "error" : "info";
    log[level]("event", { ...described, ...result });
  } catch (error) {
    const { code, fault } = faultOf(error);
    if (fault === "caller") {
      message.ack();
      log.warn("event", { ...described, outcome: "dropped", code, ...describeError(error) });
      return;
    }
    const delaySeconds = retryDelaySeconds(message.attempts);
    message.retry({ delaySeconds });
    log.warn("event", {
      ...described,
      outcome: "retry",
      code,
      delaySeconds,
      ...describeError(error),
    });
  }
}
