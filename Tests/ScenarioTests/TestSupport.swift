import Scenario

/// The descriptions of the problems of `yaml` (named `lab.yaml`) read with a loader of only
/// `spec.run`, one per element; empty if it loads.
func problems(_ yaml: String, overrides: [String] = []) -> [String] {
  problems(yaml, overrides: overrides, loader: ScenarioLoader<NoSections>())
}

/// The descriptions of the problems of `yaml` (named `lab.yaml`) read with `loader`, one per element; empty if it loads.
func problems<Sections>(_ yaml: String, overrides: [String] = [], loader: ScenarioLoader<Sections>) -> [String] {
  do {
    _ = try loader.load(yaml: yaml, file: "lab.yaml", overrides: overrides)
    return []
  } catch {
    return error.errors.map(\.description)
  }
}

/// A valid document whose `spec` is `spec` (indented by the caller at two spaces).
func document(spec: String) -> String {
  """
  apiVersion: aggsim.io/v1alpha1
  kind: Scenario
  metadata:
    name: lab
  spec:
  \(spec)
  """
}

/// A valid document with `run: {duration: 1m}` and `spec.probe.value` set to `value`, for
/// reading one value through the `Probe` section.
func probeDocument(_ value: String) -> String {
  document(spec: "  run: {duration: 1m}\n  probe:\n    value: \(value)")
}
