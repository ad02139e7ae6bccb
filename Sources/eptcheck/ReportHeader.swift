/// What every report says about the run as a whole.
struct ReportHeader: Sendable, Codable {
  var version: String
  var paths: [String]
  var strategy: String
  var depth: Int?
  var jobs: Int
  var shard: String?
  var requireComplete: Bool = false
  var elapsed: Double
  /// `LoadedSpec.contentHash` of the specs checked.
  var specHash: String? = nil
  /// The state budget of the stateful search, when it had one.
  var stateBudget: Int? = nil
  var hashCompaction: Bool = false
  /// The kernel release checked; nil for mainline.
  var kernel: String? = nil
  /// The spec paths relative to the report file's directory (see `RelativePath`).
  var specFromReport: [String]? = nil
  /// The working directory of the run relative to the report file's directory.
  var directoryFromReport: String? = nil
  /// The signal that ended the run early (`SIGINT`, `SIGTERM`); nil when it ran to the end.
  var interrupted: String? = nil
  /// The scenarios an interrupted run never started.
  var scenariosNotChecked = 0
  /// How the patch's overridden functions were covered, when a patch was checked.
  var patchCoverage: PatchCoverage? = nil
}
