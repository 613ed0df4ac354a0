import SimCore

/// The rules that turn the summary metrics of one run point (its replications' summaries and the
/// resolved spec they ran) into bottleneck findings, each with its threshold. A figure is the mean
/// over the replications where it is finite (the `mean` of `summary.csv`'s `all` row); nothing is
/// found when nothing limits. Pure and deterministic: findings come out rule by rule, in the
/// order of the rules below, each rule's in the order of its scopes in the summaries.
public enum FindingRules {
  // MARK: Thresholds

  /// A token bucket passes at most `qps × T + burst` requests in `T`, so an open client that
  /// offers more than its QPS must wait for tokens; it is throttled when it offers at least 10%
  /// more than the QPS (a margin above the Poisson noise of a few hundred arrivals, √n/n < 10%) …
  public static let rateLimitExcess = 1.1
  /// … sends at most 90% of what it offers (the bucket held back at least a tenth) …
  public static let rateLimitShortfall = 0.9
  /// … and sends at least 90% of the QPS (the bucket, not a slow server behind `maxOutstanding`,
  /// paces it).
  public static let rateLimitBusy = 0.9
  /// Under ClusterIP routing a server's busiest pod is pinned when it served at least 80% of the
  /// server's requests (even spreading over 2 or more pods gives each at most 50%) …
  public static let pinningShare = 0.8
  /// … and its workers were busy at least half the time: below that the pinned pod still serves
  /// the load with little queueing (M/M/c with ρ < 0.5), and the pinning is no bottleneck.
  public static let pinningUtilisation = 0.5
  /// A pod is saturated when its workers are busy 90% of the time: queueing delay grows as
  /// 1/(1 − ρ) (M/M/c), tenfold the service time at 90%.
  public static let podSaturation = 0.9
  /// An APF priority level is saturated when its seats are in use 90% of the time (the same
  /// 1/(1 − ρ) argument, with the current concurrency limit as capacity).
  public static let seatSaturation = 0.9
  /// An APF priority level is rejecting when at least 1% of the requests it received got a 429:
  /// client-go retries a 429 up to 10 times, so below that the rejections mostly vanish into
  /// retries (they still show in `fraction_429`).
  public static let rejectionFraction = 0.01
  /// The stream cap limits when at least 1% of an APIService's requests found every HTTP/2
  /// connection full (each such request paid a new connection's TCP and TLS handshakes, or waited).
  public static let streamCapFraction = 0.01
  /// A 95% Student-t interval needs 2 finite values: a latency measured in fewer replications of
  /// a run that has 2 or more cannot be bounded. (A run of 1 replication bounds nothing, and gets
  /// no such finding.)
  public static let minimumReplications = 2

  // MARK: Rules

  /// The findings of one run point: `spec` is the resolved spec the replications ran, `summaries`
  /// their summaries (one per replication, in order).
  public static func findings(spec: ModelSpec, summaries: [ReplicationSummary]) -> [Finding] {
    guard let first = summaries.first else { return [] }
    let run = Run(spec: spec, summaries: summaries)
    var out: [Finding] = []
    for scope in first.scopes(of: .client) { out += run.rateLimit(scope) }
    for server in spec.extensionServers.indices { out += run.pinning(server: server) }
    for scope in first.scopes(of: .pod) { out += run.podSaturated(scope) }
    for scope in first.scopes(of: .priorityLevel) { out += run.priorityLevel(scope) }
    for scope in first.scopes(of: .apiService) { out += run.streamCap(scope) }
    for kind in [ScopeKind.kubectl, .garbageCollector, .namespaceController] {
      for scope in first.scopes(of: kind) { out += run.discoveryIncomplete(scope) }
    }
    for scope in first.scopes(of: .client) + first.scopes(of: .kubectl) { out += run.tooFewSamples(scope) }
    return out
  }

  /// One run point: the spec and the replications' summaries, with the lookups the rules share.
  struct Run {
    let spec: ModelSpec
    let summaries: [ReplicationSummary]

    /// The values of `metric` in the scope of kind `kind` at `index` in every replication.
    func values(_ kind: ScopeKind, _ index: Int, _ metric: SummaryMetric) -> [Double] {
      summaries.compactMap { s in s.scopes.first { $0.kind == kind && $0.index == index }?.value(of: metric) }
    }

    /// The mean of the finite values (NaN when none is).
    func mean(_ kind: ScopeKind, _ index: Int, _ metric: SummaryMetric) -> Double {
      FindingRules.mean(values(kind, index, metric))
    }

    func rateLimit(_ scope: ReplicationSummary.Scope) -> [Finding] {
      let client = spec.clients[scope.index]
      guard let limit = client.rateLimit else { return [] }
      switch client.workload {
      case .open, .closed: break
      case .kubectl, .garbageCollector, .namespaceDeletion: return []  // their discovery runs have buckets of their own
      }
      let offered = mean(.client, scope.index, .offeredRate), sent = mean(.client, scope.index, .sentRate)
      let qps = limit.qps.perSecond
      guard offered >= rateLimitExcess * qps, sent <= rateLimitShortfall * offered, sent >= rateLimitBusy * qps else { return [] }
      let keyPath = "spec.clients[\(scope.index)].rateLimit"
      let bucket = "qps \(number(qps)), burst \(limit.burst)"
      let evidence = "client/\(scope.name): offered \(rate(offered)), sent \(rate(sent))"
      if limit == .clientGo {
        return [Finding(kind: .clientDefaultRateLimit, scope: "client/\(scope.name)", evidence: .sentRate, figure: sent,
                        knob: "rateLimit \(bucket) (client-go's default)", keyPath: keyPath,
                        message: "\(evidence) — silently throttled by client-go's default token bucket, 5 QPS / burst 10 (set \(keyPath))")]
      }
      return [Finding(kind: .clientRateLimit, scope: "client/\(scope.name)", evidence: .sentRate, figure: sent,
                      knob: "rateLimit \(bucket)", keyPath: keyPath, message: "\(evidence) — rateLimit \(bucket) (\(keyPath))")]
    }

    func pinning(server: Int) -> [Finding] {
      let name = spec.extensionServers[server].name
      guard spec.controlPlane.proxy.routing == .clusterIP, spec.extensionServers[server].replicas >= 2 else { return [] }
      // Per replication: the pod that served the most (kube-proxy's pick differs between
      // replications), its share and its utilisation.
      var shares: [Double] = [], utilisations: [Double] = [], firstTop = -1
      for summary in summaries {
        let pods = summary.scopes(of: .pod).filter { $0.name.hasPrefix(name + "/") && $0.name.dropFirst(name.count + 1).allSatisfy(\.isNumber) }
        guard let top = pods.max(by: { ($0.value(of: .podServed) ?? 0) < ($1.value(of: .podServed) ?? 0) }),
              let share = top.value(of: .podRequestShare), share.isFinite else { continue }
        if firstTop < 0 { firstTop = Int(top.name.dropFirst(name.count + 1)) ?? 0 }
        shares.append(share)
        utilisations.append(top.value(of: .podUtilisation) ?? .nan)
      }
      let share = FindingRules.mean(shares), utilisation = FindingRules.mean(utilisations)
      guard share >= pinningShare, utilisation >= pinningUtilisation else { return [] }
      let keyPath = "spec.controlPlane.proxy.routing"
      return [Finding(kind: .podPinning, scope: "pod/\(name)/\(firstTop)", evidence: .podRequestShare, figure: share,
                      knob: "routing clusterIP", keyPath: keyPath,
                      message: "pods of \(name): \(percent(share)) of requests went to one pod, \(percent(utilisation)) busy "
                        + "(pod \(firstTop) in the first replication) — ClusterIP routing pins one connection per instance (\(keyPath))")]
    }

    func podSaturated(_ scope: ReplicationSummary.Scope) -> [Finding] {
      let utilisation = mean(.pod, scope.index, .podUtilisation)
      guard utilisation >= podSaturation,
            let server = spec.extensionServers.firstIndex(where: { scope.name.hasPrefix($0.name + "/") }) else { return [] }
      let queue = mean(.pod, scope.index, .podQueueLengthMean)
      let s = spec.extensionServers[server]
      if let pod = Int(scope.name.dropFirst(s.name.count + 1)), let fault = workerHoldingFault(server: server, pod: pod) {
        // Its workers are held by a fault the scenario injects, not short: more workers would be held too.
        return [Finding(kind: .podSaturated, scope: "pod/\(scope.name)", evidence: .podUtilisation, figure: utilisation,
                        knob: fault.knob, keyPath: fault.keyPath,
                        message: "pod/\(scope.name): workers busy \(percent(utilisation)) of the time, \(number(queue)) requests queued on average "
                          + "— held by its \(fault.knob), not short of workers (\(fault.keyPath))")]
      }
      let keyPath = "spec.extensionServers[\(server)].workers"
      return [Finding(kind: .podSaturated, scope: "pod/\(scope.name)", evidence: .podUtilisation, figure: utilisation,
                      knob: "workers \(s.workers), replicas \(s.replicas)", keyPath: keyPath,
                      message: "pod/\(scope.name): workers busy \(percent(utilisation)) of the time, \(number(queue)) requests queued on average "
                        + "— workers \(s.workers), replicas \(s.replicas) (\(keyPath), spec.extensionServers[\(server)].replicas)")]
    }

    /// The first fault the scenario gives the pod that holds its workers (a hang or a slow-down):
    /// its words and key path.
    func workerHoldingFault(server: Int, pod: Int) -> (knob: String, keyPath: String)? {
      func holds(_ kind: FaultSpec.Kind) -> Bool {
        switch kind {
        case .hang, .slowDown: true
        case .crash, .refuse, .silentConnectionDrop: false
        }
      }
      let s = spec.extensionServers[server]
      if let j = s.faults.firstIndex(where: { holds($0.kind) && ($0.pods?.contains(pod) ?? true) }) {
        return ("\(s.faults[j].kind) fault from \(s.faults[j].start)", "spec.extensionServers[\(server)].faults[\(j)]")
      }
      if let j = s.faultProcesses.firstIndex(where: { holds($0.kind) && ($0.pods?.contains(pod) ?? true) }) {
        return ("random \(s.faultProcesses[j].kind) faults", "spec.extensionServers[\(server)].faultProcesses[\(j)]")
      }
      for (j, fault) in spec.faults.enumerated() {
        guard case .pods(let name, let pods) = fault.target, name == s.name, pods?.contains(pod) ?? true,
              case .pod(let kind) = fault.kind, holds(kind) else { continue }
        return ("\(kind) fault", "spec.faults[\(j)]")
      }
      return nil
    }

    func priorityLevel(_ scope: ReplicationSummary.Scope) -> [Finding] {
      guard case .priorityAndFairness(let apf) = spec.controlPlane.admission else { return [] }
      let levelName = String(scope.name.drop { $0 != "/" }.dropFirst())
      guard let level = apf.priorityLevels.first(where: { $0.name == levelName }), !level.isExempt else { return [] }
      let keyPath = "spec.controlPlane.admission.priorityAndFairness.levels"
      let limit = mean(.priorityLevel, scope.index, .concurrencyLimitMean)
      let knob = "shares \(level.shares) of \(levelName) (serverConcurrencyLimit \(apf.serverConcurrencyLimit))"
      var out: [Finding] = []
      let utilisation = mean(.priorityLevel, scope.index, .seatUtilisation)
      if utilisation >= seatSaturation {
        let wait = mean(.priorityLevel, scope.index, .queueWaitMean)
        out.append(Finding(kind: .priorityLevelSaturated, scope: "priority_level/\(scope.name)", evidence: .seatUtilisation, figure: utilisation,
                           knob: knob, keyPath: keyPath,
                           message: "priority_level/\(scope.name): seats in use \(percent(utilisation)) of the time (limit \(number(limit)) seats), "
                             + "mean queue wait \(number(wait)) s — \(knob) (\(keyPath))"))
      }
      let rejected = mean(.priorityLevel, scope.index, .rejected), dispatched = mean(.priorityLevel, scope.index, .dispatched)
      let fraction = rejected / (rejected + dispatched)
      if rejected > 0, fraction >= rejectionFraction {
        out.append(Finding(kind: .priorityLevelRejecting, scope: "priority_level/\(scope.name)", evidence: .rejected, figure: rejected,
                           knob: knob, keyPath: keyPath,
                           message: "priority_level/\(scope.name): \(number(rejected)) requests rejected with 429 (\(percent(fraction)) of those "
                             + "it received) — \(knob) (\(keyPath))"))
      }
      return out
    }

    func streamCap(_ scope: ReplicationSummary.Scope) -> [Finding] {
      let hits = mean(.apiService, scope.index, .streamCapHits), requests = mean(.apiService, scope.index, .requests)
      guard hits > 0, requests > 0, hits / requests >= streamCapFraction,
            let apiService = spec.apiServices.first(where: { $0.apiService.name == scope.name }),
            let server = spec.extensionServers.firstIndex(where: { $0.service == apiService.apiService.service }) else { return [] }
      let cap = spec.extensionServers[server].maxStreamsPerConnection.resolved
      let keyPath = "spec.extensionServers[\(server)].maxStreamsPerConnection"
      let rule = spec.controlPlane.proxy.atStreamCap == .queue ? "queued for a stream" : "opened another connection"
      return [Finding(kind: .streamCap, scope: "apiservice/\(scope.name)", evidence: .streamCapHits, figure: hits,
                      knob: "maxStreamsPerConnection \(cap)", keyPath: keyPath,
                      message: "apiservice/\(scope.name): \(percent(hits / requests)) of requests found every HTTP/2 connection at its "
                        + "\(cap)-stream cap and \(rule) — maxStreamsPerConnection \(cap) (\(keyPath), spec.controlPlane.proxy.atStreamCap)")]
    }

    func tooFewSamples(_ scope: ReplicationSummary.Scope) -> [Finding] {
      guard summaries.count >= minimumReplications else { return [] }
      let metric: SummaryMetric = scope.kind == .kubectl ? .discoveryLatencyP50 : .latencyP50
      let activity: SummaryMetric = scope.kind == .kubectl ? .invocations : .offeredRate
      guard mean(scope.kind, scope.index, activity) > 0 else { return [] }
      let measured = values(scope.kind, scope.index, metric).filter(\.isFinite).count
      guard measured < minimumReplications else { return [] }
      let client = spec.clients.firstIndex { $0.name == scope.name } ?? scope.index
      var knob = "duration \(spec.duration), replications \(summaries.count)"
      var keyPath = "spec.run.duration"
      var why = ""
      if scope.kind == .kubectl, case .kubectl(let kubectl) = spec.clients[client].workload, let ttl = kubectl.cacheTTL {
        knob = "cacheTTL \(ttl)"
        keyPath = "spec.clients[\(client)].workload.kubectl.cacheTTL"
        why = " (the other invocations found kubectl's \(ttl) discovery cache fresh)"
      }
      return [Finding(kind: .tooFewSamples, scope: "\(scope.kind.rawValue)/\(scope.name)", evidence: metric, figure: Double(measured),
                      knob: knob, keyPath: keyPath,
                      message: "\(scope.kind.rawValue)/\(scope.name): \(metric.name) measured in \(measured) of \(summaries.count) replications\(why), "
                        + "too few for a 95% interval — \(knob) (\(keyPath); or raise spec.run.duration, spec.run.replications)")]
    }
  }

  // MARK: Figures in words

  /// The mean of the finite values, NaN when none is.
  static func mean(_ values: [Double]) -> Double {
    let finite = values.filter(\.isFinite)
    return finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
  }

  /// Four significant digits, without a locale or Foundation (`20`, `0.1234`, `1235`).
  static func number(_ x: Double) -> String {
    guard x.isFinite, x != 0 else { return x.isNaN ? "NaN" : x == 0 ? "0" : "\(x)" }
    var scale = 1.0, digits = 0
    while abs(x) * scale < 1000 && digits < 12 { scale *= 10; digits += 1 }
    let rounded = (x * scale).rounded() / scale
    let text = "\(rounded)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
  /// A rate with one decimal: `40.0/s`, `5.3/s`.
  static func rate(_ x: Double) -> String { x.isFinite ? "\((x * 10).rounded() / 10)/s" : "NaN/s" }
  /// A fraction as a whole percentage: `97%`.
  static func percent(_ x: Double) -> String { x.isFinite ? "\(Int((x * 100).rounded()))%" : "NaN%" }
}
