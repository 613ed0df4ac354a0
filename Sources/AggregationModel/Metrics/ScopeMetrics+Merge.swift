import SimCore

extension ScopeMetrics {
  /// Adds another scope's requests to this one (e.g. every client of a run, for the `all` scope).
  /// Counts add up and latency histograms merge exactly.
  public mutating func merge(_ other: ScopeMetrics) {
    mergeEndedRequests(other)
    retries += other.retries
    droppedOffered += other.droppedOffered
    offered += other.offered
    sent += other.sent
  }

  /// Adds what `other` counted of its ended requests (outcomes, latencies, stages, stream-cap
  /// hits: what `record(_:latency:stages:metStreamCap:)` counts), not its counts of requests made,
  /// sent or retried.
  mutating func mergeEndedRequests(_ other: ScopeMetrics) {
    for index in outcomes.indices { outcomes[index] += other.outcomes[index] }
    successLatency.merge(other.successLatency)
    failureLatency.merge(other.failureLatency)
    stages.merge(other.stages)
    streamCapHits += other.streamCapHits
  }
}
