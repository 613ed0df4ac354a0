extension FindingRules {
  /// The most group-versions a `discovery_incomplete` finding names (the rest are in summary.csv).
  static let namedGroupVersions = 3

  /// A group-version that may have been left out of a discovery, and why in words: the share of
  /// its requests answered 200 (when below 100%), its time with Available=False and its time
  /// published Stale (when above 0).
  struct GroupVersionTrouble {
    var apiService: String
    var evidence: [String]
  }
}

extension FindingRules.Run {
  /// A discovery client (kubectl, the garbage collector, the namespace controller) whose
  /// discoveries came out incomplete: partial ("unable to retrieve the complete list of server
  /// APIs") or, for kubectl's aggregated discovery, silently without a Stale group-version. Any
  /// is a finding: neither is retried away (kubectl prints the error or "the server doesn't have
  /// a resource type", the controllers block or requeue). The knob is the backend of the first
  /// group-version whose requests failed, which was unavailable or Stale.
  func discoveryIncomplete(_ scope: ReplicationSummary.Scope) -> [Finding] {
    let partial = mean(scope.kind, scope.index, .discoveryPartial)
    let dropped = mean(scope.kind, scope.index, .discoveryStaleDropped)
    let ended = partial + mean(scope.kind, scope.index, .discoveryComplete)
    guard ended > 0, partial > 0 || dropped > 0 else { return [] }
    let name = "\(scope.kind.rawValue)/\(scope.name)"
    let n = FindingRules.number, unknown = mean(scope.kind, scope.index, .resourceTypeUnknown)
    var what: [String] = []
    if partial > 0 { what.append("\(FindingRules.percent(partial / ended)) of its discoveries partial (\(n(partial)) of \(n(ended)))") }
    if dropped > 0 {
      what.append("\(FindingRules.percent(dropped / ended)) silently without a Stale group-version (\(n(dropped)) of \(n(ended)))")
    }
    if unknown > 0 { what.append("\(n(unknown)) invocation\(n(unknown) == "1" ? "" : "s") ended \"the server doesn't have a resource type\"") }
    what.append("slowest discovery \(n(mean(scope.kind, scope.index, .discoveryLatencyMax))) s")
    let troubles = groupVersionTroubles()
    var knob = "the backends of the aggregated group-versions", keyPath = "spec.extensionServers", cause = "no group-version shows a failure"
    if let first = troubles.first {
      cause = troubles.prefix(FindingRules.namedGroupVersions).map { "\($0.apiService) \($0.evidence.joined(separator: ", "))" }
        .joined(separator: "; ")
      if let registered = spec.apiServices.first(where: { $0.apiService.name == first.apiService }),
         let server = spec.extensionServers.firstIndex(where: { $0.service == registered.apiService.service }) {
        knob = "backend \(spec.extensionServers[server].name) of \(first.apiService)"
        keyPath = "spec.extensionServers[\(server)]"
      }
    }
    let evidence: SummaryMetric = partial > 0 ? .discoveryPartialFraction : .discoveryStaleDropped
    return [Finding(kind: .discoveryIncomplete, scope: name, evidence: evidence, figure: partial > 0 ? partial / ended : dropped,
                    knob: knob, keyPath: keyPath,
                    message: "\(name): \(what.joined(separator: ", ")) — \(cause); \(knob) (\(keyPath))")]
  }

  /// The group-versions that failed some requests, were unavailable or were published Stale.
  func groupVersionTroubles() -> [FindingRules.GroupVersionTrouble] {
    guard let first = summaries.first else { return [] }
    let stale = Dictionary(first.scopes(of: .discovery).map { ($0.name, mean(.discovery, $0.index, .staleFraction)) }) { a, _ in a }
    return first.scopes(of: .apiService).compactMap { scope in
      var evidence: [String] = []
      let answered = mean(.apiService, scope.index, .successFraction)
      if answered.isFinite, answered < 1 { evidence.append("answered 200 to \(FindingRules.percent(answered)) of its requests") }
      let unavailable = mean(.apiService, scope.index, .unavailableFraction)
      if unavailable.isFinite, unavailable > 0 { evidence.append("Available=False \(FindingRules.percent(unavailable)) of the time") }
      if let s = stale[scope.name], s.isFinite, s > 0 { evidence.append("published Stale \(FindingRules.percent(s)) of the time") }
      return evidence.isEmpty ? nil : FindingRules.GroupVersionTrouble(apiService: scope.name, evidence: evidence)
    }
  }
}
