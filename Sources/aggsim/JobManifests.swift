import ArgumentParser
import Foundation

/// The Kubernetes objects `aggsim job` writes (issue 14), in the order to apply them:
/// - a ConfigMap `<prefix>-scenario` holding the scenario file, mounted read-only at `/scenario`;
/// - unless `--pvc` names one, a PersistentVolumeClaim `<prefix>-results` (ReadWriteMany: the
///   pods may run on different nodes) mounted at `/results`, sized at twice the outputs' floor
///   estimate (the shards' files and the merged copy), at least 1 GiB;
/// - an Indexed Job `<prefix>-shards` (`completionMode: Indexed`, `completions: N`): pod I runs
///   `aggsim <command> /scenario/<file> --shard env/N --jobs 1 --out /results/shards …`, the Job
///   controller setting `JOB_COMPLETION_INDEX` = I. `backoffLimitPerIndex: 1` (feature
///   `JobBackoffLimitPerIndex`, kubernetes/kubernetes pkg/features/kube_features.go: alpha in
///   1.28, beta and on by default from 1.29, GA in 1.33) retries a failed index once
///   without failing the others, and a `podFailurePolicy` fails an index at once on exit 64,
///   65 or 70 (bad usage, an invalid scenario, a run over its budget: a retry would do the same);
///   `restartPolicy: Never`, as a `podFailurePolicy` requires (kubernetes/kubernetes:
///   pkg/apis/batch/validation/validation.go, `validateJobSpec`);
/// - a Job `<prefix>-merge` whose pod waits until the N shard directories are complete (each
///   has its `metadata.json`, written last, after the rename that puts the directory in place),
///   then runs `aggsim merge … --out /results/merged`. Kubernetes has no dependency between
///   Jobs; its `activeDeadlineSeconds` (a day) ends the wait when an index failed for good.
///   `capacity` has none: its shards search in lockstep (`CapacityExchange`) and shard 0 writes
///   `/results/shards/<scenario>-capacity/`.
struct JobManifests {
  var prefix: String
  var namespace: String
  var image: String
  /// run, sweep or check.
  var command: String
  var scenarioName: String
  /// The ConfigMap key and file name under `/scenario`.
  var scenarioFile: String
  var scenarioText: String
  var shards: Int
  var parallelism: Int
  /// `--replications`, `--seed`, `--set` … as given to every shard.
  var arguments: [String]
  var memoryRequestMiB: Int
  /// A PersistentVolumeClaim that exists already, or nil to create `<prefix>-results`.
  var existingClaim: String?
  var storageGiB: Int

  static let scenarioMount = "/scenario"
  static let resultsMount = "/results"
  /// Seconds the merge Job waits for the shards at most.
  static let mergeDeadlineSeconds = 86_400

  var claimName: String { existingClaim ?? "\(prefix)-results" }
  var shardsDirectory: String { "\(Self.resultsMount)/shards" }
  /// The glob of the shard directories (the staging directories start with a dot and do not match).
  var shardGlob: String { "\(shardsDirectory)/\(scenarioName).shard-*-of-\(shards)" }

  /// The command line of the pods of the Indexed Job.
  var shardCommand: [String] {
    ["aggsim", command, "\(Self.scenarioMount)/\(scenarioFile)", "--shard", "env/\(shards)", "--jobs", "1", "--out", shardsDirectory,
     "--max-memory", "\(memoryRequestMiB * 2 * 7 / 8)"] + arguments
  }

  /// The merge pod's shell script: wait for every shard's metadata.json, then merge.
  var mergeScript: String {
    """
    set -eu
    until [ "$(ls -d \(shardGlob)/metadata.json 2>/dev/null | wc -l)" -ge \(shards) ]; do sleep 10; done
    exec aggsim merge \(shardGlob) --out \(Self.resultsMount)/merged

    """
  }

  /// Every object, as one YAML stream.
  func yaml() -> String {
    var documents = [configMap()]
    if existingClaim == nil { documents.append(claim()) }
    // capacity's shards search in lockstep, and shard 0 writes the answer: nothing to merge.
    return YAMLValue.stream(documents + [shardJob()] + (command == "capacity" ? [] : [mergeJob()]))
  }

  func metadata(_ name: String, component: String) -> YAMLValue {
    .map([("name", .string(name)), ("namespace", .string(namespace)),
          ("labels", .map([("app.kubernetes.io/name", .string("aggsim")), ("app.kubernetes.io/instance", .string(prefix)),
                           ("app.kubernetes.io/component", .string(component))]))])
  }

  func configMap() -> YAMLValue {
    .map([("apiVersion", .string("v1")), ("kind", .string("ConfigMap")), ("metadata", metadata("\(prefix)-scenario", component: "scenario")),
          ("data", .map([(scenarioFile, .text(scenarioText))]))])
  }

  func claim() -> YAMLValue {
    .map([("apiVersion", .string("v1")), ("kind", .string("PersistentVolumeClaim")), ("metadata", metadata(claimName, component: "results")),
          ("spec", .map([("accessModes", .list([.string("ReadWriteMany")])),
                         ("resources", .map([("requests", .map([("storage", .string("\(storageGiB)Gi"))]))]))]))])
  }

  /// The volumes and mounts both Jobs' pods have.
  var volumes: YAMLValue {
    .list([.map([("name", .string("scenario")), ("configMap", .map([("name", .string("\(prefix)-scenario"))]))]),
           .map([("name", .string("results")), ("persistentVolumeClaim", .map([("claimName", .string(claimName))]))])])
  }
  var mounts: YAMLValue {
    .list([.map([("name", .string("scenario")), ("mountPath", .string(Self.scenarioMount)), ("readOnly", .bool(true))]),
           .map([("name", .string("results")), ("mountPath", .string(Self.resultsMount))])])
  }

  func container(_ name: String, command: [String], memoryMiB: Int) -> YAMLValue {
    let resources: [(String, YAMLValue)] = [("cpu", .string("1")), ("memory", .string("\(memoryMiB)Mi"))]
    let limits: [(String, YAMLValue)] = [("cpu", .string("1")), ("memory", .string("\(memoryMiB * 2)Mi"))]
    return .map([("name", .string(name)), ("image", .string(image)), ("command", .list(command.map(YAMLValue.string))),
                 ("resources", .map([("requests", .map(resources)), ("limits", .map(limits))])), ("volumeMounts", mounts)])
  }

  func shardJob() -> YAMLValue {
    let failFast: YAMLValue = .map([("action", .string("FailIndex")),
                                    ("onExitCodes", .map([("operator", .string("In")), ("values", .list([.int(64), .int(65), .int(70)]))]))])
    return .map([
      ("apiVersion", .string("batch/v1")), ("kind", .string("Job")), ("metadata", metadata("\(prefix)-shards", component: "shards")),
      ("spec", .map([
        ("completionMode", .string("Indexed")), ("completions", .int(shards)), ("parallelism", .int(parallelism)),
        ("backoffLimitPerIndex", .int(1)), ("podFailurePolicy", .map([("rules", .list([failFast]))])),
        ("template", .map([("metadata", .map([("labels", .map([("app.kubernetes.io/instance", .string(prefix))]))])),
                           ("spec", .map([("restartPolicy", .string("Never")),
                                          ("containers", .list([container("aggsim", command: shardCommand, memoryMiB: memoryRequestMiB)])),
                                          ("volumes", volumes)]))])),
      ])),
    ])
  }

  func mergeJob() -> YAMLValue {
    .map([
      ("apiVersion", .string("batch/v1")), ("kind", .string("Job")), ("metadata", metadata("\(prefix)-merge", component: "merge")),
      ("spec", .map([
        ("backoffLimit", .int(2)), ("activeDeadlineSeconds", .int(Self.mergeDeadlineSeconds)),
        ("template", .map([("metadata", .map([("labels", .map([("app.kubernetes.io/instance", .string(prefix))]))])),
                           ("spec", .map([("restartPolicy", .string("Never")),
                                          ("containers", .list([container("merge", command: ["sh", "-c", mergeScript], memoryMiB: 256)])),
                                          ("volumes", volumes)]))])),
      ])),
    ])
  }

  /// `name` lower-cased with every run of other characters than `a-z0-9` made one `-`, trimmed.
  static func dnsLabel(_ name: String) -> String {
    var out = ""
    for c in name.lowercased().unicodeScalars {
      if ("a"..."z").contains(c) || ("0"..."9").contains(c) { out.unicodeScalars.append(c) } else if !out.hasSuffix("-") { out += "-" }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return out.isEmpty ? "aggsim" : out
  }

  /// Checks a name prefix: a DNS-1123 label such that the Indexed Job's last pod's hostname,
  /// `<prefix>-shards-<N−1>`, is one too (at most 63 characters; the API server refuses the Job
  /// otherwise, kubernetes/kubernetes: pkg/apis/batch/validation/validation.go, `ValidateJob`).
  static func checkName(_ name: String, shards: Int) throws -> String {
    guard name.range(of: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", options: .regularExpression) != nil else {
      throw ValidationError("--name must be a DNS-1123 label (a-z, 0-9 and -, starting and ending with a letter or digit), found \(name)")
    }
    let hostname = "\(name)-shards-\(shards - 1)"
    guard hostname.count <= 63 else {
      throw ValidationError("--name \(name) is too long: the last pod's hostname \(hostname) would exceed 63 characters")
    }
    return name
  }

  /// The scenario file's name, as a ConfigMap key (`[-._a-zA-Z0-9]+`), else `scenario.yaml`.
  static func configMapKey(for path: String) -> String {
    let base = URL(fileURLWithPath: path).lastPathComponent
    return base.range(of: "^[-._a-zA-Z0-9]+$", options: .regularExpression) != nil && base != "." && base != ".." ? base : "scenario.yaml"
  }
}
