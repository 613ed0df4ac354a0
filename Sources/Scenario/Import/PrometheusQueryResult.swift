internal import Foundation
internal import SimCore

/// Reads a Prometheus HTTP API query result (`/api/v1/query` or `/api/v1/query_range`, JSON):
/// `{"status": "success", "data": {"resultType": "vector" | "matrix", "result": [...]}}`.
///
/// - A **vector** holds one value per series, taken as is: the result of
///   `sum by (group, version, resource, verb, le) (increase(apiserver_request_duration_seconds_bucket[1h]))`
///   holds the counts over the query's window (which the result does not say: give `--window`).
///   Aggregated series have no `__name__`: a series with an `le` label is then a bucket.
/// - A **matrix** holds each series over time: the counters' increase from the first to the last
///   value is taken, over the window between the first and last timestamps (a decrease, a
///   counter reset when the server restarted, is an error).
///
/// Problems are `ScenarioError`s naming the JSON path (`data.result[3].value[1]`); JSON has no
/// line and column in Foundation's reader, so the path is the location.
public enum PrometheusQueryResult {
  /// The samples (and, for a matrix, the window) of the JSON in `data`, read from `file`.
  public static func parse(_ data: [UInt8], file: String) throws(ScenarioErrors) -> PrometheusInput {
    func fail(_ path: String, _ expected: String, _ found: String) -> ScenarioErrors {
      ScenarioErrors([ScenarioError(file: file, line: 0, column: 0, keyPath: path, expected: expected, found: found)])
    }
    let root: Any
    do {
      root = try JSONSerialization.jsonObject(with: Data(data))
    } catch {
      throw fail("", "a Prometheus query result (JSON)", "text that is not JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? "unreadable"))")
    }
    guard let object = root as? [String: Any] else { throw fail("", "a JSON object", describe(root)) }
    guard object["status"] as? String == "success" else {
      throw fail("status", "\"success\" (the query's error is in \"error\")", describe(object["status"] as Any))
    }
    guard let payload = object["data"] as? [String: Any] else { throw fail("data", "an object", describe(object["data"] as Any)) }
    let kind = payload["resultType"] as? String
    guard kind == "vector" || kind == "matrix" else {
      throw fail("data.resultType", "\"vector\" or \"matrix\"", describe(payload["resultType"] as Any))
    }
    guard let result = payload["result"] as? [Any] else { throw fail("data.result", "an array", describe(payload["result"] as Any)) }
    guard result.count <= PrometheusInput.maxSamples else {
      throw fail("data.result", "at most \(PrometheusInput.maxSamples) series", "\(result.count)")
    }
    var samples: [PrometheusSample] = []
    var longest: Double = 0
    for (i, element) in result.enumerated() {
      let path = "data.result[\(i)]"
      guard let series = element as? [String: Any], let metric = series["metric"] as? [String: Any] else {
        throw fail(path + ".metric", "an object of labels", describe((element as? [String: Any])?["metric"] as Any))
      }
      var labels: [String: String] = [:]
      for (key, value) in metric {
        guard let text = value as? String else { throw fail("\(path).metric.\(key)", "a string", describe(value)) }
        labels[key] = text
      }
      let name = labels.removeValue(forKey: "__name__") ?? ""
      if kind == "vector" {
        let (_, value) = try point(series["value"], path: path + ".value", fail: fail)
        samples.append(PrometheusSample(name: name, labels: labels, value: value))
      } else {
        guard let values = series["values"] as? [Any], values.count >= 2 else {
          throw fail(path + ".values", "at least 2 [time, value] points (a range over the window)", describe(series["values"] as Any))
        }
        let (firstTime, firstValue) = try point(values[0], path: path + ".values[0]", fail: fail)
        let (lastTime, lastValue) = try point(values[values.count - 1], path: "\(path).values[\(values.count - 1)]", fail: fail)
        guard lastValue >= firstValue else {
          throw fail("\(path).values", "a counter that does not decrease over the range",
                     "\(ScenarioFragment.number(firstValue)) then \(ScenarioFragment.number(lastValue)): the server restarted (a counter reset); query a range within one process lifetime")
        }
        longest = max(longest, lastTime - firstTime)
        samples.append(PrometheusSample(name: name, labels: labels, value: lastValue - firstValue))
      }
    }
    var window: MeasurementWindow?
    if kind == "matrix" {
      guard longest > 0, longest <= 366 * 86_400 else {
        throw fail("data.result", "points spanning more than 0 s and at most a year", "a span of \(longest) s")
      }
      window = MeasurementWindow(length: .nanoseconds(Int64((longest * 1e9).rounded())), source: "the range query's first and last timestamps")
    }
    return PrometheusInput(samples: samples, window: window)
  }

  /// A `[unix time, "value"]` pair.
  static func point(_ element: Any?, path: String,
                    fail: (String, String, String) -> ScenarioErrors) throws(ScenarioErrors) -> (Double, Double) {
    guard let pair = element as? [Any], pair.count == 2, let time = (pair[0] as? NSNumber)?.doubleValue, time.isFinite else {
      throw fail(path, "a [unix time, \"value\"] pair", describe(element as Any))
    }
    guard let text = pair[1] as? String, let value = PrometheusTextFormat.Cursor.number(text) else {
      throw fail(path + "[1]", "a number in a string, e.g. \"42\"", describe(pair[1]))
    }
    return (time, value)
  }

  /// A JSON value as an error shows it.
  static func describe(_ value: Any) -> String {
    switch value {
    case is NSNull: return "null"
    case let text as String: return "\"\(text.prefix(40))\""
    case let number as NSNumber: return "\(number)"
    case is [Any]: return "an array"
    case is [String: Any]: return "an object"
    default: return "nothing"
    }
  }
}
