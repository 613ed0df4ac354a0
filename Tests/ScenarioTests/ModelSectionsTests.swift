import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: controlPlane, extensionServers, links, sweep, expect")
struct ModelSectionsTests {
  @Test("controlPlane values, the admission modes and the load balancer's health checks (none by default; interval and thresholds bounded)")
  func controlPlane() throws {
    let spec = try model(minimalModel(extra: """
      controlPlane:
        instances: 3
        requestTimeout: 30s
        filterOverhead: {exponential: {mean: 2ms}}
        admission:
          priorityAndFairness:
            serverConcurrencyLimit: 1200
            levels: [{name: global-default, shares: 40, queues: 64, handSize: 8, queueLengthLimit: 100}, {name: catch-all, shares: 10}]
        proxy: {routing: endpoints, dialTimeout: 1s, tlsHandshakeTimeout: 2s, readIdleTimeout: 3s, pingTimeout: 4s, atStreamCap: queue}
        loadBalancer: {interval: 10s, unhealthyThreshold: 2, redispatch: true, path: healthz}
    """))
    let cp = spec.controlPlane
    #expect(cp.loadBalancer == LoadBalancerSpec(interval: .seconds(10), unhealthyThreshold: 2, healthyThreshold: 2, redispatch: true,
                                                path: .healthz))
    #expect(try model(minimalModel()).controlPlane.loadBalancer == nil)
    #expect(modelProblems(minimalModel(extra: "  controlPlane: {loadBalancer: {interval: 10m, healthyThreshold: 0}}\n")).count == 2)
    #expect(cp.instances == 3)
    #expect(cp.requestTimeout == .seconds(30))
    #expect(cp.filterOverhead == .exponential(mean: .milliseconds(2)))
    var apf = PriorityAndFairness.Configuration.kubernetesDefaults
    apf.serverConcurrencyLimit = 1200
    apf.priorityLevels[6] = .queued("global-default", shares: 40, lendablePercent: 50, queues: 64, handSize: 8, queueLengthLimit: 100)
    apf.priorityLevels[7].shares = 10
    apf.borrowing = true  // 1.36's defaults, filled in by resolution
    apf.estimatedServiceDuration = .milliseconds(3)
    #expect(cp.admission == .priorityAndFairness(apf))
    var proxy = ProxySpec(routing: .endpoints, discoveryCap: .after(.seconds(5)))
    proxy.dialTimeout = .seconds(1)
    proxy.tlsHandshakeTimeout = .seconds(2)
    proxy.readIdleTimeout = .seconds(3)
    proxy.pingTimeout = .seconds(4)
    proxy.atStreamCap = .queue
    #expect(cp.proxy == proxy)
    #expect(try model(minimalModel(), overrides: ["spec.controlPlane.admission={maxInFlight: {}}"]).controlPlane.admission
            == .maxInFlight(readOnly: 400, mutating: 200))
    #expect(try model(minimalModel(), overrides: ["spec.controlPlane.admission={unlimited: {}}"]).controlPlane.admission == .unlimited)
  }

  @Test("service time per kind, queue limit, streams and faults of an extension server")
  func extensionServer() throws {
    let spec = try model(minimalModel(), overrides: [
      "spec.extensionServers[0].serviceTime={list: {lognormal: {median: 20ms, p99: 200ms}}, default: 3ms, probe: 1ms}",
      "spec.extensionServers[0].queueLimit=50",
      "spec.extensionServers[0].replicas=2",
      "spec.extensionServers[0].workers=8",
      "spec.extensionServers[0].faults=[{kind: crash, start: 10m, duration: 2m, pods: [1]}, {kind: slowDown, factor: 5, start: 1m}]",
    ])
    let server = spec.extensionServers[0]
    let list = try Distribution.lognormal(median: .milliseconds(20), p99: .milliseconds(200))
    #expect(server.serviceTimes == ServiceTimes(get: .constant(.milliseconds(3)), list: list, discovery: .constant(.milliseconds(3)),
                                                probe: .constant(.milliseconds(1)), openAPI: .constant(.milliseconds(3))))
    #expect(server.queueLimit == 50 && server.replicas == 2 && server.workers == 8)
    #expect(server.faults == [
      FaultSpec(kind: .crash, pods: [1], start: SimTime(since: .minutes(10)), duration: .minutes(2)),
      FaultSpec(kind: .slowDown(factor: 5), pods: nil, start: SimTime(since: .minutes(1)), duration: nil),
    ])
    let byGet = try model(minimalModel(), overrides: ["spec.extensionServers[0].serviceTime={get: 4ms, openAPI: 50ms}"])
    #expect(byGet.extensionServers[0].serviceTimes.discovery == .constant(.milliseconds(4)))
    #expect(byGet.extensionServers[0].serviceTimes.openAPI == .constant(.milliseconds(50)))
  }

  @Test("links: the clients' default, per-client override, backends with bandwidth, loss and partitions")
  func links() throws {
    let spec = try model(minimalModel(extra: """
      links:
        clients: {requestLatency: 1ms, responseLatency: 2ms}
        backends:
          - server: metrics-server
            latency: 500us
            loss: 0.01
            retransmissionDelay: 300ms
            bandwidth: 100Mi
            partitions: [{start: 1m, duration: 30s}]
    """))
    #expect(spec.clients[0].link == NetworkLinkSpec(requestLatency: .constant(.milliseconds(1)), responseLatency: .constant(.milliseconds(2))))
    #expect(spec.backendLinks == [BackendLinkSpec(server: "metrics-server", instance: nil, link: NetworkLinkSpec(
      requestLatency: .constant(SimDuration(nanoseconds: 500_000)), loss: 0.01, retransmissionDelay: .milliseconds(300),
      bandwidthBytesPerSecond: 104_857_600, partitions: [SimTime(since: .minutes(1))...SimTime(since: .seconds(90))]))])
    #expect(try model(minimalModel(), overrides: ["spec.links.clients.bandwidth=2.5K"]).clients[0].link.bandwidthBytesPerSecond == 2500)
  }

  @Test("sweep and expect are exposed as typed values")
  func sweepAndExpect() throws {
    let file = try ScenarioLoader.aggsim.load(yaml: minimalModel(extra: """
      sweep:
        - {path: "spec.clients[0].workload.poisson", values: [10/s, 50/s, 100/s]}
        - {path: spec.controlPlane.proxy.discoveryTimeout, values: [5s, none]}
      expect:
        - {metric: latency_p99_s, scope: client/hpa, max: 1.0}
        - {metric: success_fraction, scope: all, min: 0.99, max: 1}
    """), file: "lab.yaml")
    #expect(file.sweep == [
      SweepParameter(path: "spec.clients[0].workload.poisson", values: ["10/s", "50/s", "100/s"],
                     location: SourceLocation(file: "lab.yaml", line: 24, column: 14, keyPath: "spec.sweep[0].path")),
      SweepParameter(path: "spec.controlPlane.proxy.discoveryTimeout", values: ["5s", "none"],
                     location: SourceLocation(file: "lab.yaml", line: 25, column: 14, keyPath: "spec.sweep[1].path")),
    ])
    #expect(file.sweep[1].assignments == ["spec.controlPlane.proxy.discoveryTimeout=5s", "spec.controlPlane.proxy.discoveryTimeout=none"])
    #expect(file.expectations == [
      Expectation(metric: .latencyP99, scope: .client("hpa"), min: nil, max: 1.0,
                  location: SourceLocation(file: "lab.yaml", line: 27, column: 7, keyPath: "spec.expect[0]")),
      Expectation(metric: .successFraction, scope: .all, min: 0.99, max: 1,
                  location: SourceLocation(file: "lab.yaml", line: 28, column: 7, keyPath: "spec.expect[1]")),
    ])
    #expect(MetricCatalogue.summary.map(\.name) == [
      "requests", "retries", "dropped_offered", "latency_mean_s", "latency_p50_s", "latency_p90_s", "latency_p99_s", "latency_p999_s",
      "latency_max_s", "success_latency_mean_s", "success_latency_p50_s", "success_latency_p90_s", "success_latency_p99_s",
      "success_latency_p999_s", "success_latency_max_s", "throughput_per_s", "rate_200", "offered_per_s", "sent_per_s",
      "stream_cap_hits", "success_fraction", "fraction_429", "fraction_503_unavailable",
      "fraction_503_discovery_timeout", "fraction_503_unreachable", "fraction_504", "fraction_client_timeout", "fraction_500",
      "stage_throttle_mean_s", "stage_throttle_p99_s", "stage_retry_backoff_mean_s", "stage_retry_backoff_p99_s", "stage_network_out_mean_s", "stage_network_out_p99_s",
      "stage_filters_mean_s", "stage_filters_p99_s", "stage_apf_queue_mean_s", "stage_apf_queue_p99_s", "stage_connection_wait_mean_s", "stage_connection_wait_p99_s",
      "stage_pod_queue_mean_s", "stage_pod_queue_p99_s", "stage_service_mean_s", "stage_service_p99_s", "stage_network_back_mean_s", "stage_network_back_p99_s",
      "unavailable_fraction", "availability_transitions", "time_to_detect_s", "status_propagation_max_s", "openapi_downloads",
      "openapi_failed_downloads", "pod_utilisation", "pod_queue_length_mean",
      "pod_served", "pod_request_share", "invocations", "cache_hits", "discovery_complete", "discovery_partial", "discovery_partial_fraction",
      "discovery_stale_dropped", "resource_type_unknown",
      "discovery_latency_p50_s", "discovery_latency_p99_s", "discovery_latency_max_s", "namespaces_deleted",
      "namespaces_finalized", "namespace_discovery_failures", "terminating_mean_s", "terminating_p50_s", "terminating_p99_s",
      "terminating_max_s", "still_terminating", "oldest_terminating_s", "stale_fraction", "stale_s", "stale_to_current",
      "fetches", "failed_fetches", "fallbacks", "seat_utilisation", "queue_length_mean", "queue_wait_mean_s", "rejected", "dispatched",
      "concurrency_limit", "concurrency_limit_mean",
    ])
  }

  @Test("the Available-condition metrics (time_to_detect_s …) are bounded only in an apiservice/<name> scope")
  func availabilityMetricsNeedAnAPIServiceScope() throws {
    let file = try ScenarioLoader.aggsim.load(yaml: minimalModel(extra: """
      expect:
        - {metric: time_to_detect_s, scope: apiservice/v1beta1.metrics.k8s.io, min: 5, max: 36}
    """), file: "lab.yaml")
    #expect(file.expectations.map(\.metric) == [.timeToDetect])
    #expect(file.expectations.map(\.scope) == [.apiService("v1beta1.metrics.k8s.io")])
    #expect(file.expectations.map(\.min) == [5] && file.expectations.map(\.max) == [36])
    let misplaced = minimalModel(extra: """
      expect:
        - {metric: time_to_detect_s, scope: client/hpa, max: 36}
        - {metric: unavailable_fraction, scope: all, max: 0.1}
        - {metric: availability_transitions, scope: pod/metrics-server/0, max: 2}
    """)
    #expect(modelProblems(misplaced) == [
      "lab.yaml:24:41: spec.expect[0].scope: expected a scope of the form apiservice/<name> for time_to_detect_s, found \"client/hpa\"",
      "lab.yaml:25:45: spec.expect[1].scope: expected a scope of the form apiservice/<name> for unavailable_fraction, found \"all\"",
      "lab.yaml:26:49: spec.expect[2].scope: expected a scope of the form apiservice/<name> for availability_transitions, found \"pod/metrics-server/0\"",
    ])
  }

  @Test("a time-series metric or an instance scope (timeseries.csv only) is not a metric or scope of expect:")
  func timeSeriesVocabularyIsNotExpectVocabulary() {
    let yaml = minimalModel(extra: """
      expect:
        - {metric: in_flight, scope: all, max: 10}
        - {metric: requests, scope: instance/0, max: 10}
    """)
    let problems = modelProblems(yaml)
    #expect(problems.count == 2)
    #expect(problems.first?.hasPrefix("lab.yaml:24:16: spec.expect[0].metric: expected one of requests, retries,") == true)
    #expect(problems.first?.hasSuffix(", concurrency_limit, concurrency_limit_mean, found \"in_flight\"") == true)
    #expect(problems.last == "lab.yaml:25:33: spec.expect[1].scope: expected all, client/<name>, apiservice/<name>, pod/<server>/<index>, "
      + "kubectl/<client>, garbage_collector/<client>, namespace_controller/<client>, discovery/<apiservice> or "
      + "priority_level/<instance>/<level>, found \"instance/0\"")
  }

  @Test("a file with several model mistakes reports them all at once")
  func severalMistakes() {
    let yaml = document(spec: """
        run: {duration: 10m}
        controlPlane:
          instances: 0
          admission: {maxInFlight: {readOnly: 400}, unlimited: {}}
          proxy: {routing: clusterIp, discoveryTimeout: 5}
        extensionServers:
          - name: metrics-server
            service: {namespace: kube-system, name: metrics-server}
            replica: 2
            queueLimit: -1
            serviceTime: {lognormal: {median: 5ms}}
            faults: [{kind: slowDown, start: 1m}, {kind: crash, factor: 2, start: 1m}]
        links: {clients: {latency: 1ms, requestLatency: 2ms, loss: 1}}
        clients:
          - name: hpa
            target: {apiService: v1beta1.metrics.k8s.io, kind: watch}
            workload: {}
            retries: -1
        sweep: [{path: "spec.sweep[0].values", values: []}]
        expect: [{metric: latency_p95_s, scope: everything}, {metric: pod_utilisation, scope: client/hpa, max: 1}]
      """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:8:16: spec.controlPlane.instances: expected an integer in [1, 64], found 0",
      "lab.yaml:9:16: spec.controlPlane.admission: expected exactly one of priorityAndFairness, maxInFlight, unlimited (an admission mode), found keys maxInFlight, unlimited",
      "lab.yaml:10:22: spec.controlPlane.proxy.routing: expected one of clusterIP, endpoints (did you mean \"clusterIP\"?), found \"clusterIp\"",
      "lab.yaml:10:51: spec.controlPlane.proxy.discoveryTimeout: expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found 5",
      "lab.yaml:14:7: spec.extensionServers[0].replica: expected a key of spec.extensionServers[0] (did you mean \"replicas\"?), found \"replica\"",
      "lab.yaml:15:19: spec.extensionServers[0].queueLimit: expected an integer in [0, 2147483647], found -1",
      "lab.yaml:16:32: spec.extensionServers[0].serviceTime.lognormal: expected key \"p99\", found nothing",
      "lab.yaml:17:16: spec.extensionServers[0].faults[0]: expected key \"factor\", found nothing",
      "lab.yaml:17:59: spec.extensionServers[0].faults[1].factor: expected no factor for a crash fault (only slowDown has one), found \"factor\"",
      "lab.yaml:18:35: spec.links.clients.requestLatency: expected either latency or requestLatency/responseLatency (latency is given), found \"requestLatency\"",
      "lab.yaml:18:62: spec.links.clients.loss: expected a finite number in [0, 0.99], found 1",
      "lab.yaml:21:58: spec.clients[0].target.kind: expected one of get, list, discovery, found \"watch\"",
      "lab.yaml:22:17: spec.clients[0].workload: expected exactly one of poisson, constant, bursts, timeVarying, trace, closed, kubectl, hpa, garbageCollector, namespaceDeletion (a workload), found an empty mapping",
      "lab.yaml:23:16: spec.clients[0].retries: expected an integer in [0, 1000], found -1",
      "lab.yaml:24:18: spec.sweep[0].path: expected a key path under spec such as spec.clients[0].workload.poisson (not under spec.sweep or spec.expect), found \"spec.sweep[0].values\"",
      "lab.yaml:24:50: spec.sweep[0].values: expected at least one value, found an empty sequence",
      "lab.yaml:25:21: spec.expect[0].metric: expected one of \(MetricCatalogue.summary.map(\.name).joined(separator: ", ")) (did you mean \"latency_p90_s\"?), found \"latency_p95_s\"",
      "lab.yaml:25:43: spec.expect[0].scope: expected all, client/<name>, apiservice/<name>, pod/<server>/<index>, kubectl/<client>, garbage_collector/<client>, namespace_controller/<client>, discovery/<apiservice> or priority_level/<instance>/<level>, found \"everything\"",
      "lab.yaml:25:89: spec.expect[1].scope: expected a scope of the form all or pod/<server>/<index> for pod_utilisation, found \"client/hpa\"",
    ])
  }

  @Test("an unknown key under spec lists every model section; the sections given are read into their properties, the others stay nil")
  func unknownSpecKeyAndPartialSections() throws {
    #expect(modelProblems(minimalModel(extra: "  chaos: []")) == [
      "lab.yaml:23:3: spec.chaos: expected a key of spec (one of run, apiServices, clients, controlPlane, discovery, expect, "
        + "extensionServers, faults, links, sweep), found \"chaos\"",
    ])
    let file = try ScenarioLoader.aggsim.load(yaml: minimalModel(extra: "  links: {clients: {latency: 2ms}}"), file: "lab.yaml")
    #expect(file.sections.links?.clients == .constant(.milliseconds(2)))
    #expect(file.sections.extensionServers?.entries.map(\.name.value) == ["metrics-server"])
    #expect(file.sections.controlPlane == nil && file.sections.sweep == nil)
  }
}

@Suite("controlPlane.admission.priorityAndFairness: borrowing and background demand")
struct ModelBackgroundDemandTests {
  @Test("borrowing on or off; a level's background demand as seats from the start or as steps")
  func backgroundDemand() throws {
    let spec = try model(minimalModel(version: "1.25", extra: """
        controlPlane:
          admission:
            priorityAndFairness:
              borrowing: true
              levels:
                - {name: workload-low, background: 40}
                - {name: catch-all, background: [{start: 0s, seats: 5}, {start: 1m, seats: 13}]}
      """))
    guard case .priorityAndFairness(let apf) = spec.controlPlane.admission else { Issue.record("not APF"); return }
    #expect(apf.borrowing == true)  // given: not 1.25's default
    #expect(apf.priorityLevels[5].background == [.init(start: .zero, seats: 40)])
    #expect(apf.priorityLevels[7].background == [.init(start: .zero, seats: 5), .init(start: .minutes(1), seats: 13)])
    #expect(apf.priorityLevels[6].background == [])
    guard case .priorityAndFairness(let resolved) = try model(minimalModel(version: "1.25")).controlPlane.admission else { return }
    #expect(resolved.borrowing == false)  // 1.25's default
  }

  @Test("bad background demand is reported where it is written")
  func badBackground() {
    let yaml = minimalModel(extra: """
        controlPlane:
          admission:
            priorityAndFairness:
              borrowing: maybe
              levels:
                - {name: workload-low, background: 10001}
                - {name: exempt, background: 1}
                - {name: catch-all, background: [{start: 1m, seats: 5}, {start: 30s, seats: 1}, {start: 2m, seats: -1}, {seats: 2}]}
      """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:26:20: spec.controlPlane.admission.priorityAndFairness.borrowing: expected true or false, found \"maybe\"",
      "lab.yaml:28:46: spec.controlPlane.admission.priorityAndFairness.levels[0].background: expected an integer in [0, 10000], found 10001",
      "lab.yaml:29:28: spec.controlPlane.admission.priorityAndFairness.levels[1].background: expected no background for the exempt level, which has no limit, found \"background\"",
      "lab.yaml:30:75: spec.controlPlane.admission.priorityAndFairness.levels[2].background[1].start: expected a start after the previous step's (1m), found \"30s\"",
      "lab.yaml:30:110: spec.controlPlane.admission.priorityAndFairness.levels[2].background[2].seats: expected an integer in [0, 10000], found -1",
      "lab.yaml:30:115: spec.controlPlane.admission.priorityAndFairness.levels[2].background[3]: expected key \"start\", found nothing",
    ])
  }
}
