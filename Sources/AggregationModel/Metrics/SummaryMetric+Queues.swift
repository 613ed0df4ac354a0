/// The metrics of the places a request waits for capacity, after the warm-up: a pod's workers
/// (`pod`; in `all`, the mean over pods) and an APF priority level's seats (`priority_level`).
extension SummaryMetric {
  public static let podUtilisation = SummaryMetric(
    "pod_utilisation", .ratio, "time-weighted busy workers over workers", .pod(\.utilisation))
  public static let podQueueLengthMean = SummaryMetric(
    "pod_queue_length_mean", .count, "time-weighted requests waiting in the pod's FIFO queue", .pod(\.meanQueueLength))
  public static let podServed = SummaryMetric(
    "pod_served", .count, "requests whose service completed", .pod { Double($0.served) })

  public static let podRequestShare = SummaryMetric(
    "pod_request_share", .ratio,
    "pod_served over the requests served by every pod of its server (NaN: none served any; all: the mean over pods)",
    .pod(\.requestShare))

  /// A pod's metrics, in the order `expect:` lists them.
  static let podFamily: [SummaryMetric] = [podUtilisation, podQueueLengthMean, podServed, podRequestShare]

  public static let seatUtilisation = SummaryMetric(
    "seat_utilisation", .ratio,
    "time-weighted seats in use (background seats included) over the time-weighted current concurrency limit (0 for an exempt level)",
    .priorityLevel(\.seatUtilisation))
  public static let queueLengthMean = SummaryMetric(
    "queue_length_mean", .count, "time-weighted requests waiting in the level's queues", .priorityLevel(\.meanQueueLength))
  public static let queueWaitMean = SummaryMetric(
    "queue_wait_mean_s", .seconds, "mean queue wait of the requests that started executing (0 if none did)",
    .priorityLevel(\.meanQueueWaitSeconds))
  public static let rejected = SummaryMetric(
    "rejected", .count, "requests rejected with 429 (queue full, reject level full, queue wait expired)",
    .priorityLevel { Double($0.rejected) })
  public static let dispatched = SummaryMetric(
    "dispatched", .count, "requests that started executing (at once or from a queue)", .priorityLevel { Double($0.dispatched) })
  public static let concurrencyLimit = SummaryMetric(
    "concurrency_limit", .seats, "nominal concurrency limit (0 for an exempt level)", .priorityLevel { Double($0.concurrencyLimit) })
  public static let concurrencyLimitMean = SummaryMetric(
    "concurrency_limit_mean", .seats,
    "time-weighted current concurrency limit: the nominal one without borrowing (before 1.26), what borrowing set from 1.26 (0 for an exempt level)",
    .priorityLevel(\.meanConcurrencyLimit))

  /// A priority level's metrics, in the order `expect:` lists them.
  static let priorityLevelFamily: [SummaryMetric] =
    [seatUtilisation, queueLengthMean, queueWaitMean, rejected, dispatched, concurrencyLimit, concurrencyLimitMean]
}
