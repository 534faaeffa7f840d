export default {
  async queue(batch) {
    for (const message of batch.messages) message.ack();
  },
} satisfies ExportedHandler<Env>;
