// Test-only: a real consumer of `trove-notifications`, as a deployment's own would be. It
// records each message it receives in the NOTIFIED namespace the tests read, under
// `<uploadId>/<message id>` (or `barrier/<id>` for test/notifications.ts's barriers).
export default {
  async queue(batch, env) {
    // One message at a time, in order: a barrier's record means everything before it is in.
    for (const message of batch.messages) {
      const body = message.body;
      const key = body.barrier ? `barrier/${body.barrier}` : `${body.uploadId}/${message.id}`;
      await env.NOTIFIED.put(key, JSON.stringify(body));
      message.ack();
    }
  },
};
