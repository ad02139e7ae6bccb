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
  public static func readers(_ n: Int) -> String {
    var threads = "    thread w = writer();\n"
    for j in 1...n { threads += "    thread r\(j) = reader();\n" }
    return """
      shared int x;
      void writer() { x = 1; }
      void reader() { int r = x; }
      scenario readers {
      \(threads)    expect ok;
      }
      """
  }

  /// The number of Mazurkiewicz traces of `readers(n)`.
  public static func readersTraces(_ n: Int) -> Int { 1 << n }
}
