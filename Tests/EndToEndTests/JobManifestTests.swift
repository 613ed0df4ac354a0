import Foundation
import Testing

/// Issue 14: `aggsim job` writes manifests that the Kubernetes API's OpenAPI schemas accept
/// (checked by PyPI's kubernetes-validate, which ships the schemas of every Kubernetes minor
/// offline; `make test` installs it), and whose pod command lines, run here for every index with
/// `JOB_COMPLETION_INDEX` set and then the merge pod's script, give a single run's bytes.
@Suite("aggsim job", .serialized)
struct JobManifestTests {
  typealias E2E = AggsimBinaryTests

  /// Whether kubernetes-validate (and so PyYAML, which it needs) is installed.
  static let hasValidator: Bool = {
    (try? E2E.launch(URL(fileURLWithPath: "/usr/bin/env"), ["kubernetes-validate", "--version"], in: E2E.packageRoot).status) == 0
  }()

  static let runArguments = ["--replications", "4", "--set", "spec.run.duration=40s", "--set", "spec.run.warmup=10s",
                             "--trace-sampling", "0.05"]

  /// `aggsim job` of the quickstart as 3 shards, written to a file.
  static func manifests(in directory: String) throws -> String {
    let job = try E2E.aggsim(["job", "Scenarios/quickstart.yaml", "--shards", "3", "--image", "registry.example/aggsim:0.1.0",
                              "--namespace", "sims"] + runArguments)
    #expect(job.status == 0, "\(job.stderr)")
    let path = "\(directory)/job.yaml"
    try job.stdout.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func validate(_ path: String, version: String) throws -> E2E.Outcome {
    try E2E.launch(URL(fileURLWithPath: "/usr/bin/env"), ["kubernetes-validate", "--strict", "-k", version, path], in: E2E.packageRoot)
  }

  @Test("the manifests validate against the Kubernetes 1.29 and 1.37 OpenAPI schemas (strict), and a broken one does not",
        .enabled(if: hasValidator, "kubernetes-validate is not installed (make test installs it into Tests/.venv)"))
  func manifestsValidate() throws {
    let directory = try E2E.temporaryDirectory()
    let path = try Self.manifests(in: directory)
    for version in ["1.29.0", "1.37.0"] {
      let result = try Self.validate(path, version: version)
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      for object in ["configmap/quickstart-scenario", "persistentvolumeclaim/quickstart-results", "job/quickstart-shards",
                     "job/quickstart-merge"] {
        #expect((result.stdout + result.stderr).contains("passed for resource \(object)"), "\(object) against \(version)")
      }
    }
    // backoffLimitPerIndex and the FailIndex action are 1.29's: 1.28's schema refuses the rule.
    #expect(try Self.validate(path, version: "1.28.0").status != 0)
    let broken = "\(directory)/broken.yaml"
    try (try E2E.read(path)).replacingOccurrences(of: "completions: 3", with: "completions: \"three\"")
      .write(toFile: broken, atomically: true, encoding: .utf8)
    let refused = try Self.validate(broken, version: "1.37.0")
    #expect(refused.status != 0 && (refused.stdout + refused.stderr).contains("'three' is not of type 'integer'"))
  }

  @Test("the manifests' pod commands, run for each JOB_COMPLETION_INDEX and then the merge pod's script, give the single run's CSVs",
        .enabled(if: hasValidator, "PyYAML (installed with kubernetes-validate) reads the manifests"))
  func podCommandsReproduceTheRun() throws {
    let root = try E2E.temporaryDirectory()
    let path = try Self.manifests(in: root)
    let json = try E2E.launch(URL(fileURLWithPath: "/usr/bin/env"),
                              ["python3", "-c", "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))", path],
                              in: E2E.packageRoot)
    #expect(json.status == 0, "\(json.stderr)")
    let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    func object(_ name: String) throws -> [String: Any] {
      try #require(objects.first { (($0["metadata"] as? [String: Any])?["name"] as? String) == name })
    }
    func command(_ job: [String: Any]) throws -> [String] {
      let spec = try #require(job["spec"] as? [String: Any]), template = try #require(spec["template"] as? [String: Any])
      let podSpec = try #require(template["spec"] as? [String: Any]), containers = try #require(podSpec["containers"] as? [[String: Any]])
      return try #require(containers.first?["command"] as? [String])
    }
    // The ConfigMap's file, where the pods see it; the shared volume, a directory.
    let data = try #require(try object("quickstart-scenario")["data"] as? [String: String])
    try FileManager.default.createDirectory(atPath: "\(root)/scenario", withIntermediateDirectories: true)
    for (key, text) in data { try text.write(toFile: "\(root)/scenario/\(key)", atomically: true, encoding: .utf8) }
    #expect(data["quickstart.yaml"] == (try E2E.read(E2E.packageRoot.appendingPathComponent("Scenarios/quickstart.yaml").path)))
    func local(_ argument: String) -> String {
      argument.replacingOccurrences(of: "/scenario/", with: "\(root)/scenario/").replacingOccurrences(of: "/results", with: "\(root)/results")
    }
    let shardJob = try object("quickstart-shards")
    let spec = try #require(shardJob["spec"] as? [String: Any])
    #expect(spec["completionMode"] as? String == "Indexed" && spec["completions"] as? Int == 3 && spec["backoffLimitPerIndex"] as? Int == 1)
    let shardCommand = try command(shardJob)
    #expect(shardCommand.first == "aggsim")
    for index in 0..<3 {
      let pod = try E2E.launch(E2E.binary, shardCommand.dropFirst().map(local), in: URL(fileURLWithPath: root),
                               environment: ["JOB_COMPLETION_INDEX": "\(index)"])
      #expect(pod.status == 0, "pod \(index): \(pod.stderr)")
    }
    let mergeCommand = try command(try object("quickstart-merge"))
    #expect(mergeCommand.prefix(2) == ["sh", "-c"])
    let searchPath = E2E.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let merge = try E2E.launch(URL(fileURLWithPath: "/bin/sh"), ["-c", local(mergeCommand[2])], in: URL(fileURLWithPath: root),
                               environment: ["PATH": searchPath])
    #expect(merge.status == 0, "\(merge.stderr)")
    let single = try E2E.aggsim(["run", "Scenarios/quickstart.yaml", "--out", "\(root)/single"] + Self.runArguments)
    #expect(single.status == 0, "\(single.stderr)")
    for file in ["summary.csv", "timeseries.csv", "events.csv", "requests.csv"] {
      #expect(try Data(contentsOf: URL(fileURLWithPath: "\(root)/single/quickstart/\(file)"))
              == Data(contentsOf: URL(fileURLWithPath: "\(root)/results/merged/quickstart/\(file)")), "\(file)")
    }
  }

  @Test("aggsim job checks its options: the shard count, the name (the last pod's hostname within 63 characters), --param only for a sweep")
  func jobUsage() throws {
    let base = ["job", "Scenarios/quickstart.yaml", "--image", "aggsim:1", "--memory", "256"]
    let cases: [([String], String)] = [
      (["--shards", "0"], "--shards must be in 1…10000, found 0"),
      (["--shards", "10001"], "--shards must be in 1…10000, found 10001"),
      (["--shards", "3", "--name", "Bad_Name"], "--name must be a DNS-1123 label"),
      (["--shards", "1000", "--name", String(repeating: "a", count: 53)], "would exceed 63 characters"),
      (["--shards", "3", "--param", "spec.run.warmup=1s,2s"], "--param needs --command sweep"),
      (["--shards", "3", "--parallelism", "4"], "--parallelism must be in 1…3"),
      (["--shards", "3", "--command", "capacity"], "--command capacity needs capacity's options after --"),
    ]
    for (arguments, message) in cases {
      let job = try E2E.aggsim(base + arguments)
      #expect(job.status == 64, "\(arguments)")
      #expect(job.stderr.contains(message), "\(arguments): \(job.stderr)")
    }
    // capacity: its options go to every shard, and there is no merge Job (shard 0 writes the answer).
    let capacity = try E2E.aggsim(base + ["--shards", "3", "--command", "capacity", "--", "--param", "spec.clients[1].workload.poisson",
                                          "--low", "1", "--high", "2", "--metric", "latency_p99_s", "--max", "0.1"])
    #expect(capacity.status == 0, "\(capacity.stderr)")
    #expect(capacity.stdout.contains("- \"capacity\"") && capacity.stdout.contains("- \"--low\"") && capacity.stdout.contains("- \"env/3\""))
    #expect(!capacity.stdout.contains("quickstart-merge") && capacity.stdout.contains("quickstart-shards"))
  }
}
