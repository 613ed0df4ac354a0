import Scenario
import SimCore
import AggregationModel

/// The minimal model scenario: run, one extension server, one APIService, one client.
func minimalModel(version: String? = nil, extra: String = "") -> String {
  document(spec: """
      run: {duration: 10m\(version.map { ", kubernetesVersion: \"\($0)\"" } ?? "")}
      extensionServers:
        - name: metrics-server
          service: {namespace: kube-system, name: metrics-server}
          serviceTime: 5ms
      apiServices:
        - metadata: {name: v1beta1.metrics.k8s.io}
          spec:
            group: metrics.k8s.io
            version: v1beta1
            groupPriorityMinimum: 100
            versionPriority: 100
            service: {namespace: kube-system, name: metrics-server}
      clients:
        - name: hpa
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {poisson: 10/s}
    \(extra)
    """)
}

/// The model of `yaml` loaded with `ScenarioLoader.aggsim` (file name `lab.yaml`).
func model(_ yaml: String, overrides: [String] = []) throws -> ModelSpec {
  try ScenarioLoader.aggsim.load(yaml: yaml, file: "lab.yaml", overrides: overrides).modelSpec()
}

/// The problems of `yaml` with `ScenarioLoader.aggsim`.
func modelProblems(_ yaml: String, overrides: [String] = []) -> [String] {
  problems(yaml, overrides: overrides, loader: .aggsim)
}
