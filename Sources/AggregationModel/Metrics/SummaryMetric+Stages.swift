import SimCore

/// Where a scope's request time goes: the mean and the 99th percentile of the time its requests
/// spent in each `RequestStage` (`stage_<name>_mean_s`, `stage_<name>_p99_s`). The means add up
/// to `latency_mean_s` (each request's stages add up to its latency); percentiles do not add up.
extension SummaryMetric {
  /// Per stage in `RequestStage` order: its mean, then its 99th percentile.
  static let stageFamily: [SummaryMetric] = RequestStage.allCases.flatMap { stage in
    [SummaryMetric("stage_\(stage.name)_mean_s", .seconds, "mean time a request spends \(stage.meaning) (the stage means add up to latency_mean_s)",
                   .requests { m, _ in m.stages.meanSeconds(stage) }),
     SummaryMetric("stage_\(stage.name)_p99_s", .seconds, "99th percentile of the time a request spends \(stage.meaning) (HdrHistogram, 2 significant digits)",
                   .requests { m, _ in m.stages.percentileSeconds(stage, 99) })]
  }
}
