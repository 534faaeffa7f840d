import worker from "../src/index";

/** Bodies of the messages the Worker put on its event Queue, in arrival order. */
export const receivedEvents: unknown[] = [];

/**
 * The test entry: the storage Worker itself, plus a consumer of the Queue it produces to, so
 * tests see exactly the messages a real consumer (the event processor) would receive.
 */
export default {
  fetch: worker.fetch,
  async queue(batch) {
    for (const message of batch.messages) {
      receivedEvents.push(message.body);
      message.ack();
    }
  },
} satisfies ExportedHandler<Env>;
