import Explorer
import Foundation
import Spec

/// Where `eptcheck replay` gets its trace: a trace JSON file, a JSON Lines report (its run
/// record and every violation record), or a compact trace given on the command line.
struct TraceSource {
  /// The report's run record, when the source is a report.
  var run: JSONLinesReport.RunRecord?
  /// The traces, in file order.
  var traces: [Trace]
  /// The directory of the file the traces came from, for spec paths recorded relative to it.
  var directory: String?

  /// Why a path gives no data, in a few words.
  static func whyUnreadable(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      return "no such file, or it cannot be read"
    }
    return isDirectory.boolValue ? "is a directory, not a file" : "cannot be read"
  }

  static func read(_ argument: String, scenario: String?) throws -> TraceSource {
    guard let data = FileManager.default.contents(atPath: argument) else {
      // Not a file: a compact trace, if it parses as one.
      if !FileManager.default.fileExists(atPath: argument), argument.first?.isNumber == true,
        var trace = Trace(compact: argument)
      {
        guard scenario != nil else {
          throw Failure.usage(
            "a compact trace needs --scenario NAME to say which scenario it is for"
          )
          .exit()
        }
        trace.scenario = scenario
        return TraceSource(run: nil, traces: [trace], directory: nil)
      }
      throw Failure.badTrace("\(argument): \(whyUnreadable(argument))").exit()
    }
    let directory = (argument as NSString).deletingLastPathComponent
    let decoder = JSONDecoder()
    if let trace = try? decoder.decode(Trace.self, from: data) {
      try check(trace, argument)
      return TraceSource(run: nil, traces: [trace], directory: directory)
    }
    var source = TraceSource(run: nil, traces: [], directory: directory)
    if let text = String(data: data, encoding: .utf8) {
      for line in text.split(separator: "\n") {
        let bytes = Data(line.utf8)
        if source.run == nil,
          let record = try? decoder.decode(JSONLinesReport.RunRecord.self, from: bytes),
          record.kind == "run"
        {
          source.run = record
        } else if let record = try? decoder.decode(
          JSONLinesReport.ViolationRecord.self, from: bytes),
          record.kind == "violation"
        {
          try check(record.trace, argument)
          source.traces.append(record.trace)
        }
      }
    }
    guard !source.traces.isEmpty else {
      throw Failure.badTrace(
        "\(argument): not a trace: expected a trace JSON object or a JSON Lines report with a violation record"
      ).exit()
    }
    return source
  }

  static func check(_ trace: Trace, _ path: String) throws {
    guard trace.version == Trace.formatVersion else {
      throw Failure.badTrace(
        "\(path): trace format version \(trace.version) is not supported (this eptcheck reads version \(Trace.formatVersion))"
      ).exit()
    }
  }

  /// The trace asked for: the `violation`th (1-based), else the first of `scenario`, else the
  /// first.
  func select(violation: Int?, scenario: String?, path: String) throws -> Trace {
    if let violation {
      guard violation <= traces.count else {
        throw Failure.usage(
          "\(path) holds \(traces.count) violation\(traces.count == 1 ? "" : "s"); there is no violation \(violation)"
        ).exit()
      }
      return traces[violation - 1]
    }
    if let scenario, traces.count > 1 || traces.first?.scenario != scenario {
      guard let trace = traces.first(where: { $0.scenario == scenario }) else {
        let names = Array(Set(traces.compactMap(\.scenario))).sorted()
        throw Failure.usage(
          "\(path) holds no violation of scenario '\(scenario)'; it has violations of: \(names.joined(separator: ", "))"
            + Suggestion.didYouMean(scenario, among: names)
        ).exit()
      }
      return trace
    }
    return traces[0]
  }

  /// Where the spec is: the paths the report recorded relative to itself, when they exist;
  /// else the paths the trace names (relative to the directory the run was made in); else
  /// `specs`.
  func specPaths(for trace: Trace) -> [String] {
    // From the run's own directory the trace's paths, and the messages that name them, read
    // as they did in the run.
    if let from = run?.directoryFromReport, let directory, let spec = trace.spec {
      let base =
        (from as NSString).isAbsolutePath
        ? from : (directory as NSString).appendingPathComponent(from)
      let paths = spec.split(separator: ",").map(String.init)
      if !paths.contains(where: { ($0 as NSString).isAbsolutePath }),
        paths.allSatisfy({
          FileManager.default.fileExists(atPath: (base as NSString).appendingPathComponent($0))
        }),
        FileManager.default.changeCurrentDirectoryPath(base)
      {
        return paths
      }
    }
    if let relative = run?.specFromReport, let directory, !relative.isEmpty {
      let resolved = relative.map {
        ($0 as NSString).isAbsolutePath ? $0 : (directory as NSString).appendingPathComponent($0)
      }
      if resolved.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
        return resolved.map { ($0 as NSString).standardizingPath }
      }
    }
    return trace.spec?.split(separator: ",").map(String.init) ?? ["specs"]
  }
}
