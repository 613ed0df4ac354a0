import SimCore

extension ScopeMetrics {
  /// Adds another scope's requests to this one (e.g. every client of a run, for the `all` scope).
  /// Counts add up and latency histograms merge exactly.
  public mutating func merge(_ other: ScopeMetrics) {
    for index in outcomes.indices { outcomes[index] += other.outcomes[index] }
    latency.merge(other.latency)
    successLatency.merge(other.successLatency)
    stages.merge(other.stages)
    retries += other.retries
    droppedOffered += other.droppedOffered
    offered += other.offered
    sent += other.sent
    streamCapHits += other.streamCapHits
  }
}
