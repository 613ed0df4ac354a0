import AggregationModel

/// The checks across the model sections, run by the loader after every section was read:
/// duplicate names (APIServices, extension servers, their Services, clients); an APIService
/// whose `spec.service` matches no extension server's `service`; a client whose target
/// APIService does not exist; a backend link naming an unknown server or instance; expectation scopes naming
/// an unknown client, APIService, server or pod. A reference into a section that had problems
/// of its own is not checked (those problems are reported instead).
enum ModelChecks {
  static func run(_ read: SectionsRead<ModelSections>) -> [ScenarioError] {
    var errors: [ScenarioError] = []
    let apiServices = read.sections.apiServices?.entries ?? []
    let servers = read.sections.extensionServers?.entries ?? []
    let clients = read.sections.clients?.entries ?? []
    let instances = read.sections.controlPlane?.spec.instances

    errors += duplicates(apiServices.map(\.name), what: "name of an APIService")
    errors += duplicates(servers.map(\.name), what: "name of an extension server")
    errors += duplicates(servers.map { Located($0.service.value.text, at: $0.service.location) },
                         what: "Service of an extension server")
    errors += duplicates(clients.map(\.name), what: "name of a client")

    if read.checkable(ExtensionServersSection.self) {
      let known = servers.map(\.spec.service)
      for entry in apiServices {
        guard let service = entry.service, !known.contains(service.value) else { continue }
        let names = servers.map { $0.service.value.text }
        let hint = names.isEmpty ? "no extension server is defined" : "one of " + names.joined(separator: ", ")
        errors.append(service.location.error(expected: "the service of an extension server (\(hint))",
                                             found: FoundText.quoted(service.value.text)))
      }
    }

    let apiServiceNames = apiServices.map(\.name.value)
    if read.checkable(APIServicesSection.self) {
      for client in clients {
        guard let target = client.apiService, !apiServiceNames.contains(target.value) else { continue }
        errors.append(unknown(target, what: "an APIService", among: apiServiceNames))
      }
    }

    let serverNames = servers.map(\.name.value)
    if let links = read.sections.links {
      for backend in links.backends {
        if read.checkable(ExtensionServersSection.self), !serverNames.contains(backend.server.value) {
          errors.append(unknown(backend.server, what: "an extension server", among: serverNames))
        }
        if let instance = backend.instance, read.checkable(ControlPlaneSection.self), instance.value >= (instances ?? 1) {
          errors.append(instance.location.error(
            expected: "a control-plane instance index < \(instances ?? 1) (controlPlane.instances)", found: "\(instance.value)"))
        }
      }
    }

    if let expect = read.sections.expect {
      let clientNames = clients.map(\.name.value)
      for (expectation, location) in zip(expect.expectations, expect.scopeLocations) {
        let found = FoundText.quoted(expectation.scope.description)
        switch expectation.scope {
        case .all: break
        case .client(let name):
          if read.checkable(ClientsSection.self), !clientNames.contains(name) {
            errors.append(location.error(expected: "client/<name> of a client" + hint(name, clientNames), found: found))
          }
        case .apiService(let name):
          if read.checkable(APIServicesSection.self), !apiServiceNames.contains(name) {
            errors.append(location.error(expected: "apiservice/<name> of an APIService" + hint(name, apiServiceNames), found: found))
          }
        case .pod(let server, let index):
          guard read.checkable(ExtensionServersSection.self) else { break }
          if let entry = servers.first(where: { $0.name.value == server }) {
            if index >= entry.spec.replicas {
              errors.append(location.error(expected: "a pod index < \(entry.spec.replicas) (the replicas of \(server))", found: found))
            }
          } else {
            errors.append(location.error(expected: "pod/<server>/<index> of an extension server" + hint(server, serverNames), found: found))
          }
        case .discoveryClient(let kind, let name):
          guard read.checkable(ClientsSection.self) else { break }
          let matching = clients.filter { $0.spec.workload.discoveryConsumer.map(ScopeKind.init) == kind }.map(\.name.value)
          if !matching.contains(name) {
            errors.append(location.error(expected: "\(kind.pattern) of a client with a \(Self.workloadName(of: kind)) workload"
                                         + hint(name, matching), found: found))
          }
        case .discovery(let name):
          if read.checkable(APIServicesSection.self), !apiServiceNames.contains(name) {
            errors.append(location.error(expected: "discovery/<apiservice> of an APIService" + hint(name, apiServiceNames), found: found))
          }
        case .priorityLevel(let instance, let level):
          let levels = PriorityLevelConfiguration.kubernetesDefaults.map(\.name)
          if read.checkable(ControlPlaneSection.self), instance >= (instances ?? 1) {
            errors.append(location.error(expected: "a control-plane instance index < \(instances ?? 1) (controlPlane.instances)", found: found))
          } else if !levels.contains(level) {
            errors.append(location.error(expected: "priority_level/<instance>/<level> of an APF priority level" + hint(level, levels),
                                         found: found))
          }
        }
      }
    }
    errors += FaultsSection.check(read)
    return errors
  }

  static func workloadName(of kind: ScopeKind) -> String {
    switch kind {
    case .garbageCollector: "garbageCollector"
    case .namespaceController: "namespaceDeletion"
    default: kind.rawValue
    }
  }

  static func hint(_ given: String, _ known: [String]) -> String {
    if let suggestion = KeySuggestion.suggest(given, among: known) { return " (did you mean \"\(suggestion)\"?)" }
    return known.isEmpty ? " (none is defined)" : " (one of \(known.joined(separator: ", ")))"
  }

  static func unknown(_ name: Located<String>, what: String, among known: [String]) -> ScenarioError {
    name.location.error(expected: "the name of \(what)" + hint(name.value, known), found: FoundText.quoted(name.value))
  }
}
