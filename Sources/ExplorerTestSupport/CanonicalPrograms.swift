/// Small textbook programs in `.ept`, the same steps as the Swift systems of
/// `ExplorerTestSupport.CanonicalSystems`, for workloads that measure the interpreter and the
/// engine together (`eptcheck bench`, the `benchmarks` executable).
public enum CanonicalPrograms {
  /// lastzero(n) (Abdulla et al.): a scanner looks for the last zero of `a[0...n]` while writer
  /// `j` sets `a[j] = a[j-1] + 1`.
  public static func lastZero(_ n: Int) -> String {
    var threads = "    thread t0 = scanner();\n"
    for j in 1...n { threads += "    thread t\(j) = writer(\(j));\n" }
    return """
      shared int a[\(n + 1)];
      void scanner() {
          for (int i = \(n); i >= 0; i--) {
              if (a[i] == 0) break;
          }
      }
      void writer(int j) { a[j] = a[j - 1] + 1; }
      scenario lastzero {
      \(threads)    expect ok;
      }
      """
  }

  /// readers(n): one writer and `n` readers of one variable. Each reader reads before or after
  /// the write, so the program has exactly 2^n Mazurkiewicz traces.
  ///
  /// With `writers` k: k writers of distinct values and `n` readers. The writes are ordered in
  /// one of k! ways and each read falls in one of the k + 1 gaps between them, independently of
  /// the other reads: k! (k + 1)^n traces.
  public static func readers(_ n: Int, writers: Int = 1) -> String {
    var threads = ""
    if writers == 1 {
      threads += "    thread w = writer(1);\n"
    } else {
      for k in 1...writers { threads += "    thread w\(k) = writer(\(k));\n" }
    }
    for j in 1...n { threads += "    thread r\(j) = reader();\n" }
    return """
      shared int x;
      void writer(int v) { x = v; }
      void reader() { int r = x; }
      scenario readers {
      \(threads)    expect ok;
      }
      """
  }

  /// The number of Mazurkiewicz traces of `readers(n, writers: k)`: k! (k + 1)^n.
  public static func readersTraces(_ n: Int, writers: Int = 1) -> Int {
    var traces = 1
    for k in stride(from: writers, to: 1, by: -1) { traces *= k }
    for _ in 0..<n { traces *= writers + 1 }
    return traces
  }
}
