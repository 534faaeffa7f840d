import { sameCors, type CorsRule } from "./cors.ts";
import { EVENT_ACTIONS, EVENT_PREFIX, EVENT_TYPES, type Resources } from "./resources.ts";
import type { D1Database, NotificationRule } from "./wrangler.ts";

/** What already exists on the account, as the list commands report it. */
export interface Observed {
  buckets: Set<string>;
  queues: Set<string>;
  /** The bucket's notification rules; empty when the bucket does not exist yet. */
  rules: NotificationRule[];
  /** The bucket's CORS rules; empty when it has none or does not exist yet. */
  cors: CorsRule[];
  databases: D1Database[];
}

/** Files a step needs written before it runs: they hold values known only at run time. */
export type StepInput = "cors-file" | "d1-config";

export interface Step {
  title: string;
  args: string[];
  /** Why nothing needs doing; the step is then reported and not run. */
  skip?: string;
  /** In a dry run, when the step would run. */
  when?: string;
  needs?: StepInput;
}

export interface PlanFiles {
  /** Where the bucket's CORS rules are written for `cors set --file`. */
  corsFile: string;
  /** A config naming only the D1 database by its real id, for `migrations apply`. */
  d1Config: string;
}

/** The commands that list what exists; the plan is made from their output. */
export function observationCommands(resources: Resources): string[][] {
  return [
    ["r2", "bucket", "list"],
    ["r2", "bucket", "cors", "list", resources.bucket],
    ["r2", "bucket", "notification", "list", resources.bucket],
    ["queues", "list"],
    ["d1", "list", "--json"],
  ];
}

/**
 * The provisioning steps, in order, given what exists. With `observed` undefined (a dry run,
 * which lists nothing) every step is shown with the condition under which it runs.
 */
export function planProvision(
  resources: Resources,
  cors: CorsRule[],
  files: PlanFiles,
  observed: Observed | undefined,
): Step[] {
  const { bucket, eventQueue, deadLetterQueue, otherQueues, database } = resources;
  const steps: Step[] = [];
  const exists = (found: boolean | undefined, what: string) => (found ? `${what} exists` : undefined);

  steps.push(
    withSkip(
      { title: `R2 bucket ${bucket}`, args: ["r2", "bucket", "create", bucket], when: "if the bucket is missing" },
      exists(observed?.buckets.has(bucket), `bucket ${bucket}`),
    ),
  );
  steps.push(
    withSkip(
      {
        title: `CORS policy of ${bucket} (${cors.length} rule${cors.length === 1 ? "" : "s"})`,
        args: ["r2", "bucket", "cors", "set", bucket, "--file", files.corsFile, "--force"],
        when: "if the bucket's rules differ from these",
        needs: "cors-file",
      },
      observed && sameCors(observed.cors, cors) ? "the bucket already has these rules" : undefined,
    ),
  );
  // The dead-letter queue first: the consumer that names it is deployed later, but a queue
  // without its DLQ should never be the state an interrupted run leaves behind. Queues that
  // Workers only send to come after; a producer binding to a missing queue fails the deploy.
  for (const queue of [deadLetterQueue, eventQueue, ...otherQueues]) {
    steps.push(
      withSkip(
        { title: `Queue ${queue}`, args: ["queues", "create", queue], when: "if the queue is missing" },
        exists(observed?.queues.has(queue), `queue ${queue}`),
      ),
    );
  }
  steps.push(...notificationSteps(bucket, eventQueue, observed?.rules));
  steps.push(
    withSkip(
      { title: `D1 database ${database.name}`, args: ["d1", "create", database.name], when: "if the database is missing" },
      exists(observed?.databases.some((db) => db.name === database.name), `database ${database.name}`),
    ),
  );
  // Always run: wrangler applies only the migrations the database has not recorded.
  steps.push({
    title: `Migrations of ${database.name} (only those not yet applied)`,
    args: ["d1", "migrations", "apply", database.name, "--remote", "-c", files.d1Config],
    needs: "d1-config",
  });
  return steps;
}

/**
 * The rule sending object-create and object-delete events under `u/` to the event queue. A rule
 * for the same queue and prefix with other actions is ours from an earlier configuration: it is
 * replaced, since R2 refuses two rules that overlap.
 */
function notificationSteps(bucket: string, queue: string, rules: NotificationRule[] | undefined): Step[] {
  const create: Step = {
    title: `Event notifications of ${bucket} under ${EVENT_PREFIX} to ${queue}`,
    args: [
      "r2", "bucket", "notification", "create", bucket,
      "--event-types", ...EVENT_TYPES,
      "--prefix", EVENT_PREFIX,
      "--queue", queue,
      "--description", "Trove: uploads to the event processor",
    ],
    when: "if no rule sends these events to the queue",
  };
  if (!rules) return [create];

  const wanted = Object.values(EVENT_ACTIONS).flat();
  const ours = rules.filter((rule) => rule.queue === queue && rule.prefix === EVENT_PREFIX && rule.suffix === "");
  const complete = ours.find((rule) => wanted.every((action) => rule.actions.includes(action)));
  if (complete) return [{ ...create, skip: `rule ${complete.ruleId} exists` }];

  const replaced = ours.map((rule) => ({
    title: `Replace rule ${rule.ruleId} (${rule.actions.join(",")})`,
    args: ["r2", "bucket", "notification", "delete", bucket, "--queue", queue, "--rule", rule.ruleId],
  }));
  return [...replaced, create];
}

function withSkip(step: Step, skip: string | undefined): Step {
  return skip === undefined ? step : { ...step, skip };
}
