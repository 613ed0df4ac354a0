/// One reason an APIService is not a valid object, in the form of research kube-aggregator.md §5
/// (kube-aggregator `validation.go`) and STYLE §3.8: which field, what was expected, what was found.
public struct APIServiceValidationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The field's path in the object, e.g. `spec.groupPriorityMinimum`.
  public var field: String
  /// What a valid value looks like, e.g. `an integer in 1...20000`.
  public var expected: String
  /// The value as given, e.g. `0`, or a quoted string.
  public var found: String

  /// A diagnostic for `field`.
  public init(field: String, expected: String, found: String) {
    self.field = field
    self.expected = expected
    self.found = found
  }

  /// `field: expected …, found …`.
  public var description: String { "\(field): expected \(expected), found \(found)" }
}

extension APIService {
  /// Every rule of kube-aggregator's APIService validation the model depends on, collected rather
  /// than stopping at the first (research §5): the name is `<version>.<group>`; only `v1` may have
  /// an empty group; the version is a DNS-1035 label and the group a DNS subdomain; priorities in
  /// 1...20000 and 1...1000; a service has a namespace, a name and a port in 1...65535; a local
  /// APIService may not set `insecureSkipTLSVerify`. Empty when valid. Never traps.
  public func validate() -> [APIServiceValidationError] {
    var errors: [APIServiceValidationError] = []
    let required = APIService.requiredName(group: group, version: version)
    if name != required {
      errors.append(.init(field: "metadata.name", expected: "\"\(required)\" (spec.version + \".\" + spec.group)", found: "\"\(name)\""))
    }
    if !APIService.isDNS1035Label(version) {
      errors.append(.init(field: "spec.version", expected: "a lowercase DNS-1035 label such as v1beta1", found: "\"\(version)\""))
    }
    if group.isEmpty {
      if version != "v1" {
        errors.append(.init(field: "spec.group", expected: "a non-empty group (only v1 may have an empty group)", found: "\"\""))
      }
    } else if !APIService.isDNSSubdomain(group) {
      errors.append(.init(field: "spec.group", expected: "a lowercase DNS subdomain such as metrics.k8s.io", found: "\"\(group)\""))
    }
    if !APIService.groupPriorityRange.contains(groupPriorityMinimum) {
      errors.append(.init(field: "spec.groupPriorityMinimum", expected: "an integer in 1...20000", found: "\(groupPriorityMinimum)"))
    }
    if !APIService.versionPriorityRange.contains(versionPriority) {
      errors.append(.init(field: "spec.versionPriority", expected: "an integer in 1...1000", found: "\(versionPriority)"))
    }
    if let service {
      if service.namespace.isEmpty {
        errors.append(.init(field: "spec.service.namespace", expected: "a namespace", found: "\"\""))
      }
      if service.name.isEmpty {
        errors.append(.init(field: "spec.service.name", expected: "a Service name", found: "\"\""))
      }
      if !APIService.portRange.contains(service.port) {
        errors.append(.init(field: "spec.service.port", expected: "an integer in 1...65535", found: "\(service.port)"))
      }
    } else if insecureSkipTLSVerify {
      errors.append(.init(field: "spec.insecureSkipTLSVerify", expected: "false for a local APIService (no spec.service)", found: "true"))
    }
    return errors
  }

  /// A lowercase RFC 1035 label: starts with a letter, then letters, digits or `-`, ends alphanumeric, ≤ 63.
  static func isDNS1035Label(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard !u.isEmpty, u.count <= 63, isLower(u[0]), isLowerAlnum(u[u.count - 1]) else { return false }
    return u.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
  }

  /// A lowercase RFC 1123 subdomain: dot-separated labels of letters, digits and `-`, each starting
  /// and ending alphanumeric, ≤ 253 characters in all.
  static func isDNSSubdomain(_ s: String) -> Bool {
    guard !s.isEmpty, s.utf8.count <= 253 else { return false }
    return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
      let u = Array(label.utf8)
      guard !u.isEmpty, u.count <= 63, isLowerAlnum(u[0]), isLowerAlnum(u[u.count - 1]) else { return false }
      return u.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }
  }

  private static func isLower(_ c: UInt8) -> Bool { c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") }
  private static func isLowerAlnum(_ c: UInt8) -> Bool { isLower(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) }
}
