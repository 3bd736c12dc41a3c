// Node-API binding of the system OpenBLAS (CBLAS) and LAPACKE for the `native` numeric engine.
// (dgesvdx is deliberately not bound: in LAPACK 3.11 it corrupts the heap when asked for more singular triplets
// than the rank of the input, e.g. any k on a zero matrix.)
// Every function works in place on caller-owned typed arrays (zero copy), row-major storage. Shapes and buffer
// lengths are checked here so that a wrong call throws a JS error instead of reading or writing out of bounds.
#include <napi.h>
#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

enum class Kind { F32, F64 };

struct Buf {
  Kind kind;
  void* data;
  size_t length;
};

Buf GetBuf(const Napi::Env& env, const Napi::Value& v, const char* name) {
  if (v.IsTypedArray()) {
    auto ta = v.As<Napi::TypedArray>();
    auto type = ta.TypedArrayType();
    auto* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    if (type == napi_float32_array) return {Kind::F32, base, ta.ElementLength()};
    if (type == napi_float64_array) return {Kind::F64, base, ta.ElementLength()};
  }
  throw Napi::TypeError::New(env, std::string(name) + " must be a Float32Array or Float64Array");
}

Buf GetF64(const Napi::Env& env, const Napi::Value& v, const char* name) {
  Buf b = GetBuf(env, v, name);
  if (b.kind != Kind::F64) throw Napi::TypeError::New(env, std::string(name) + " must be a Float64Array");
  return b;
}

int64_t GetInt(const Napi::Env& env, const Napi::Value& v, const char* name, int64_t min = 0) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(name) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(min) || d > 2147483647.0) {
    throw Napi::RangeError::New(env, std::string(name) + " must be an integer >= " + std::to_string(min) +
                                         ", got " + std::to_string(d));
  }
  return static_cast<int64_t>(d);
}

double GetNum(const Napi::Env& env, const Napi::Value& v, const char* name) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string(name) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

void Need(const Napi::Env& env, const Buf& b, int64_t n, const char* name) {
  if (n < 0 || static_cast<size_t>(n) > b.length) {
    throw Napi::RangeError::New(env, std::string(name) + " has " + std::to_string(b.length) + " elements, needs " +
                                         std::to_string(n));
  }
}

void Check(const Napi::Env& env, lapack_int info, const char* routine) {
  if (info < 0) {
    throw Napi::Error::New(env, std::string(routine) + ": illegal value in argument " + std::to_string(-info));
  }
  if (info > 0) {
    throw Napi::Error::New(env, std::string(routine) + ": did not converge or matrix is singular (info " +
                                    std::to_string(info) + ")");
  }
}

// gemmBatch(transA, transB, m, n, k, alpha, A, strideA, B, strideB, beta, C, batch)
// C_q = alpha op(A_q) op(B_q) + beta C_q, q < batch; row-major; A_q starts at q*strideA (0 = broadcast).
Napi::Value GemmBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 13) throw Napi::TypeError::New(env, "gemmBatch expects 13 arguments");
  bool ta = info[0].ToBoolean();
  bool tb = info[1].ToBoolean();
  int64_t m = GetInt(env, info[2], "m"), n = GetInt(env, info[3], "n"), k = GetInt(env, info[4], "k");
  double alpha = GetNum(env, info[5], "alpha");
  Buf A = GetBuf(env, info[6], "A");
  int64_t sa = GetInt(env, info[7], "strideA");
  Buf B = GetBuf(env, info[8], "B");
  int64_t sb = GetInt(env, info[9], "strideB");
  double beta = GetNum(env, info[10], "beta");
  Buf C = GetBuf(env, info[11], "C");
  int64_t batch = GetInt(env, info[12], "batch", 1);
  if (A.kind != B.kind || A.kind != C.kind) throw Napi::TypeError::New(env, "gemmBatch: A, B, C differ in dtype");
  Need(env, A, (batch - 1) * sa + m * k, "A");
  Need(env, B, (batch - 1) * sb + k * n, "B");
  Need(env, C, batch * m * n, "C");
  if (m == 0 || n == 0) return env.Undefined();
  const int lda = static_cast<int>(ta ? m : k), ldb = static_cast<int>(tb ? k : n), ldc = static_cast<int>(n);
  const int kk = static_cast<int>(k);
  const auto TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;
  for (int64_t q = 0; q < batch; q++) {
    if (A.kind == Kind::F32) {
      cblas_sgemm(CblasRowMajor, TA, TB, static_cast<int>(m), static_cast<int>(n), kk, static_cast<float>(alpha),
                  static_cast<float*>(A.data) + q * sa, lda > 0 ? lda : 1, static_cast<float*>(B.data) + q * sb,
                  ldb > 0 ? ldb : 1, static_cast<float>(beta), static_cast<float*>(C.data) + q * m * n, ldc);
    } else {
      cblas_dgemm(CblasRowMajor, TA, TB, static_cast<int>(m), static_cast<int>(n), kk, alpha,
                  static_cast<double*>(A.data) + q * sa, lda > 0 ? lda : 1, static_cast<double*>(B.data) + q * sb,
                  ldb > 0 ? ldb : 1, beta, static_cast<double*>(C.data) + q * m * n, ldc);
    }
  }
  return env.Undefined();
}

// Square n x n matrix, tiles of 32: swap (i, j) with (j, i) for i < j (transpose), or copy the upper triangle onto
// the lower (mirror).
template <typename T>
void SquareTiles(T* a, int64_t n, bool mirror) {
  const int64_t B = 32;
  for (int64_t i0 = 0; i0 < n; i0 += B) {
    for (int64_t j0 = i0; j0 < n; j0 += B) {
      const int64_t iEnd = std::min(n, i0 + B);
      const int64_t jEnd = std::min(n, j0 + B);
      for (int64_t i = i0; i < iEnd; i++) {
        for (int64_t j = (j0 == i0 ? i + 1 : j0); j < jEnd; j++) {
          if (mirror) a[j * n + i] = a[i * n + j];
          else std::swap(a[i * n + j], a[j * n + i]);
        }
      }
    }
  }
}

// syrk(trans, n, k, A, C): the Gram matrix C (n x n) = A A^T (trans false, A n x k) or A^T A (trans true,
// A k x n), both triangles filled; half the flops of the gemm. A and C share the dtype.
Napi::Value Syrk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool trans = info[0].ToBoolean().Value();
  int64_t n = GetInt(env, info[1], "n", 1);
  int64_t k = GetInt(env, info[2], "k", 0);
  Buf A = GetBuf(env, info[3], "A");
  Buf C = GetBuf(env, info[4], "C");
  if (A.kind != C.kind) throw Napi::TypeError::New(env, "syrk: A and C must have the same dtype");
  Need(env, A, n * k, "A");
  Need(env, C, n * n, "C");
  const int ni = static_cast<int>(n);
  const int ki = static_cast<int>(k);
  const int lda = trans ? ni : (ki > 0 ? ki : 1);
  const CBLAS_TRANSPOSE t = trans ? CblasTrans : CblasNoTrans;
  if (C.kind == Kind::F32) {
    float* c = static_cast<float*>(C.data);
    cblas_ssyrk(CblasRowMajor, CblasUpper, t, ni, ki, 1.0f, static_cast<float*>(A.data), lda, 0.0f, c, ni);
    SquareTiles(c, n, true);
  } else {
    double* c = static_cast<double*>(C.data);
    cblas_dsyrk(CblasRowMajor, CblasUpper, t, ni, ki, 1.0, static_cast<double*>(A.data), lda, 0.0, c, ni);
    SquareTiles(c, n, true);
  }
  return env.Undefined();
}

// syevd(n, A, W): eigenvalues ascending into W; A (n x n, symmetric, row-major; its upper triangle is read) is
// overwritten by the eigenvectors as its columns. A and W are both Float64Array (dsyevd) or both Float32Array
// (ssyevd). The same computation as LAPACKE's row-major 'U' path (which copies A into a column-major buffer and the
// result back), without the two copies: mirror the upper triangle onto the lower, so the column-major 'U' call on
// this buffer sees the same numbers, then transpose the eigenvectors in place.
Napi::Value Syevd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n = GetInt(env, info[0], "n", 1);
  Buf A = GetBuf(env, info[1], "A");
  Buf W = GetBuf(env, info[2], "W");
  if (A.kind != W.kind) throw Napi::TypeError::New(env, "syevd: A and W must have the same dtype");
  Need(env, A, n * n, "A");
  Need(env, W, n, "W");
  const lapack_int ni = static_cast<lapack_int>(n);
  if (A.kind == Kind::F32) {
    float* a = static_cast<float*>(A.data);
    SquareTiles(a, n, true);
    Check(env, LAPACKE_ssyevd(LAPACK_COL_MAJOR, 'V', 'U', ni, a, ni, static_cast<float*>(W.data)), "ssyevd");
    SquareTiles(a, n, false);
  } else {
    double* a = static_cast<double*>(A.data);
    SquareTiles(a, n, true);
    Check(env, LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', ni, a, ni, static_cast<double*>(W.data)), "dsyevd");
    SquareTiles(a, n, false);
  }
  return env.Undefined();
}

// syevr(n, A, il, iu, W, Z): eigenpairs il..iu (1-based, ascending) of symmetric A (destroyed); Z is n x (iu-il+1).
Napi::Value Syevr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n = GetInt(env, info[0], "n", 1);
  Buf A = GetF64(env, info[1], "A");
  int64_t il = GetInt(env, info[2], "il", 1), iu = GetInt(env, info[3], "iu", 1);
  Buf W = GetF64(env, info[4], "W");
  Buf Z = GetF64(env, info[5], "Z");
  if (il > iu || iu > n) throw Napi::RangeError::New(env, "syevr: need 1 <= il <= iu <= n");
  int64_t k = iu - il + 1;
  Need(env, A, n * n, "A");
  Need(env, W, n, "W");
  Need(env, Z, n * k, "Z");
  lapack_int found = 0;
  std::vector<lapack_int> isuppz(2 * static_cast<size_t>(k));
  Check(env,
        LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', static_cast<lapack_int>(n), static_cast<double*>(A.data),
                       static_cast<lapack_int>(n), 0.0, 0.0, static_cast<lapack_int>(il), static_cast<lapack_int>(iu),
                       0.0, &found, static_cast<double*>(W.data), static_cast<double*>(Z.data),
                       static_cast<lapack_int>(k), isuppz.data()),
        "dsyevr");
  if (found != k) throw Napi::Error::New(env, "dsyevr: found " + std::to_string(found) + " of " + std::to_string(k));
  return env.Undefined();
}

// gesdd(m, n, A, S, U, VT): thin SVD (jobz 'S'); A (m x n) destroyed; U m x r, VT r x n, r = min(m, n).
Napi::Value Gesdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t m = GetInt(env, info[0], "m", 1), n = GetInt(env, info[1], "n", 1);
  Buf A = GetF64(env, info[2], "A");
  Buf S = GetF64(env, info[3], "S");
  Buf U = GetF64(env, info[4], "U");
  Buf VT = GetF64(env, info[5], "VT");
  int64_t r = m < n ? m : n;
  Need(env, A, m * n, "A");
  Need(env, S, r, "S");
  Need(env, U, m * r, "U");
  Need(env, VT, r * n, "VT");
  Check(env,
        LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', static_cast<lapack_int>(m), static_cast<lapack_int>(n),
                       static_cast<double*>(A.data), static_cast<lapack_int>(n), static_cast<double*>(S.data),
                       static_cast<double*>(U.data), static_cast<lapack_int>(r), static_cast<double*>(VT.data),
                       static_cast<lapack_int>(n)),
        "dgesdd");
  return env.Undefined();
}

// qr(m, n, A): A (m x n, m >= n) is overwritten by the thin Q factor of its QR decomposition.
Napi::Value Qr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t m = GetInt(env, info[0], "m", 1), n = GetInt(env, info[1], "n", 1);
  Buf A = GetF64(env, info[2], "A");
  if (n > m) throw Napi::RangeError::New(env, "qr: needs m >= n");
  Need(env, A, m * n, "A");
  std::vector<double> tau(static_cast<size_t>(n));
  auto* a = static_cast<double*>(A.data);
  Check(env, LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, static_cast<lapack_int>(m), static_cast<lapack_int>(n), a,
                            static_cast<lapack_int>(n), tau.data()),
        "dgeqrf");
  Check(env, LAPACKE_dorgqr(LAPACK_ROW_MAJOR, static_cast<lapack_int>(m), static_cast<lapack_int>(n),
                            static_cast<lapack_int>(n), a, static_cast<lapack_int>(n), tau.data()),
        "dorgqr");
  return env.Undefined();
}

// posv(n, nrhs, A, B): solves A X = B for symmetric positive definite A (destroyed); X overwrites B (n x nrhs).
Napi::Value Posv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n = GetInt(env, info[0], "n", 1), nrhs = GetInt(env, info[1], "nrhs", 1);
  Buf A = GetF64(env, info[2], "A");
  Buf B = GetF64(env, info[3], "B");
  Need(env, A, n * n, "A");
  Need(env, B, n * nrhs, "B");
  lapack_int r = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', static_cast<lapack_int>(n), static_cast<lapack_int>(nrhs),
                               static_cast<double*>(A.data), static_cast<lapack_int>(n),
                               static_cast<double*>(B.data), static_cast<lapack_int>(nrhs));
  if (r > 0) throw Napi::Error::New(env, "dposv: matrix is not positive definite (leading minor " + std::to_string(r) + ")");
  Check(env, r, "dposv");
  return env.Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  openblas_set_num_threads(static_cast<int>(GetInt(env, info[0], "threads", 1)));
  return env.Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

Napi::Value Config(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  std::string v = OPENBLAS_VERSION;
  size_t a = v.find_first_not_of(' '), b = v.find_last_not_of(' ');
  o.Set("version", a == std::string::npos ? v : v.substr(a, b - a + 1));
  o.Set("config", std::string(openblas_get_config()));
  o.Set("corename", std::string(openblas_get_corename()));
  o.Set("threads", openblas_get_num_threads());
  o.Set("procs", openblas_get_num_procs());
  o.Set("parallel", openblas_get_parallel());
  return o;
}

// ---------------------------------------------------------------------------------------------------------------
// Elementwise kernels and reductions (row-major, float32 or float64; all operands of one call share the dtype).

template <typename T>
void AxpbyT(size_t n, double alpha, const T* x, double beta, const T* y, T* z) {
  const T a = static_cast<T>(alpha), b = static_cast<T>(beta);
  if (y == nullptr) {
    for (size_t i = 0; i < n; i++) z[i] = a * x[i];
  } else if (alpha == 1.0) {
    for (size_t i = 0; i < n; i++) z[i] = x[i] + b * y[i];
  } else {
    for (size_t i = 0; i < n; i++) z[i] = a * x[i] + b * y[i];
  }
}

// axpby(alpha, X, beta, Y | null, Z): Z = alpha X + beta Y (Y null: Z = alpha X)
Napi::Value Axpby(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double alpha = GetNum(env, info[0], "alpha");
  Buf X = GetBuf(env, info[1], "X");
  double beta = GetNum(env, info[2], "beta");
  bool hasY = !info[3].IsNull() && !info[3].IsUndefined();
  Buf Y = hasY ? GetBuf(env, info[3], "Y") : X;
  Buf Z = GetBuf(env, info[4], "Z");
  if (X.kind != Y.kind || X.kind != Z.kind) throw Napi::TypeError::New(env, "axpby: operands differ in dtype");
  if (Y.length != X.length || Z.length != X.length) throw Napi::RangeError::New(env, "axpby: lengths differ");
  if (X.kind == Kind::F32) {
    AxpbyT(X.length, alpha, static_cast<float*>(X.data), beta, hasY ? static_cast<float*>(Y.data) : nullptr,
           static_cast<float*>(Z.data));
  } else {
    AxpbyT(X.length, alpha, static_cast<double*>(X.data), beta, hasY ? static_cast<double*>(Y.data) : nullptr,
           static_cast<double*>(Z.data));
  }
  return env.Undefined();
}

template <typename T>
void MulT(size_t n, const T* x, const T* y, T* z) {
  for (size_t i = 0; i < n; i++) z[i] = x[i] * y[i];
}

template <typename T>
void MaxT(size_t n, const T* x, double s, T* z) {
  const T v = static_cast<T>(s);
  for (size_t i = 0; i < n; i++) z[i] = x[i] > v ? x[i] : v;
}

// mul(X, Y, Z): Z = X o Y
Napi::Value Mul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Buf X = GetBuf(env, info[0], "X"), Y = GetBuf(env, info[1], "Y"), Z = GetBuf(env, info[2], "Z");
  if (X.kind != Y.kind || X.kind != Z.kind) throw Napi::TypeError::New(env, "mul: operands differ in dtype");
  if (Y.length != X.length || Z.length != X.length) throw Napi::RangeError::New(env, "mul: lengths differ");
  if (X.kind == Kind::F32) {
    MulT(X.length, static_cast<float*>(X.data), static_cast<float*>(Y.data), static_cast<float*>(Z.data));
  } else {
    MulT(X.length, static_cast<double*>(X.data), static_cast<double*>(Y.data), static_cast<double*>(Z.data));
  }
  return env.Undefined();
}

// maximum(X, s, Z): Z = max(X, s)
Napi::Value Maximum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Buf X = GetBuf(env, info[0], "X");
  double s = GetNum(env, info[1], "s");
  Buf Z = GetBuf(env, info[2], "Z");
  if (X.kind != Z.kind) throw Napi::TypeError::New(env, "maximum: operands differ in dtype");
  if (Z.length != X.length) throw Napi::RangeError::New(env, "maximum: lengths differ");
  if (X.kind == Kind::F32) {
    MaxT(X.length, static_cast<float*>(X.data), s, static_cast<float*>(Z.data));
  } else {
    MaxT(X.length, static_cast<double*>(X.data), s, static_cast<double*>(Z.data));
  }
  return env.Undefined();
}

template <typename T>
void ScaleT(size_t blocks, size_t r, size_t c, const T* x, const double* v, bool rows, T* z) {
  std::vector<T> w(rows ? r : c);
  for (size_t i = 0; i < w.size(); i++) w[i] = static_cast<T>(v[i]);
  for (size_t b = 0; b < blocks; b++) {
    for (size_t i = 0; i < r; i++) {
      const size_t o = (b * r + i) * c;
      if (rows) {
        const T s = w[i];
        for (size_t j = 0; j < c; j++) z[o + j] = x[o + j] * s;
      } else {
        for (size_t j = 0; j < c; j++) z[o + j] = x[o + j] * w[j];
      }
    }
  }
}

// scaleRowsCols(rows, batch, r, c, X, v, Z): rows ? diag(v) X_b : X_b diag(v) for each of `batch` r x c blocks
Napi::Value ScaleRowsCols(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool rows = info[0].ToBoolean();
  int64_t batch = GetInt(env, info[1], "batch"), r = GetInt(env, info[2], "r"), c = GetInt(env, info[3], "c");
  Buf X = GetBuf(env, info[4], "X");
  Buf V = GetF64(env, info[5], "v");
  Buf Z = GetBuf(env, info[6], "Z");
  if (X.kind != Z.kind) throw Napi::TypeError::New(env, "scale: operands differ in dtype");
  Need(env, X, batch * r * c, "X");
  Need(env, Z, batch * r * c, "Z");
  Need(env, V, rows ? r : c, "v");
  const auto* v = static_cast<const double*>(V.data);
  if (X.kind == Kind::F32) {
    ScaleT<float>(batch, r, c, static_cast<float*>(X.data), v, rows, static_cast<float*>(Z.data));
  } else {
    ScaleT<double>(batch, r, c, static_cast<double*>(X.data), v, rows, static_cast<double*>(Z.data));
  }
  return env.Undefined();
}

// Reductions accumulate in double with 4 independent partial sums.
template <typename T, int Op>
double ReduceT(size_t n, const T* x, const T* y) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  auto f = [&](size_t k) -> double {
    double a = static_cast<double>(x[k]);
    return Op == 0 ? a : Op == 1 ? a * a : a * static_cast<double>(y[k]);
  };
  for (; i + 4 <= n; i += 4) {
    s0 += f(i);
    s1 += f(i + 1);
    s2 += f(i + 2);
    s3 += f(i + 3);
  }
  for (; i < n; i++) s0 += f(i);
  return (s0 + s1) + (s2 + s3);
}

// reduce(op, X, Y): op 0 = sum X, 1 = sum X^2, 2 = sum X o Y
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op = GetInt(env, info[0], "op");
  Buf X = GetBuf(env, info[1], "X");
  Buf Y = op == 2 ? GetBuf(env, info[2], "Y") : X;
  if (op > 2) throw Napi::RangeError::New(env, "reduce: op must be 0, 1 or 2");
  if (X.kind != Y.kind) throw Napi::TypeError::New(env, "reduce: operands differ in dtype");
  if (Y.length != X.length) throw Napi::RangeError::New(env, "reduce: lengths differ");
  double r;
  if (X.kind == Kind::F32) {
    auto* x = static_cast<float*>(X.data);
    auto* y = static_cast<float*>(Y.data);
    r = op == 0 ? ReduceT<float, 0>(X.length, x, y) : op == 1 ? ReduceT<float, 1>(X.length, x, y) : ReduceT<float, 2>(X.length, x, y);
  } else {
    auto* x = static_cast<double*>(X.data);
    auto* y = static_cast<double*>(Y.data);
    r = op == 0 ? ReduceT<double, 0>(X.length, x, y) : op == 1 ? ReduceT<double, 1>(X.length, x, y) : ReduceT<double, 2>(X.length, x, y);
  }
  return Napi::Number::New(env, r);
}

// transpose(r, c, X, Z): Z (c x r) = X^T (OpenBLAS omatcopy)
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t r = GetInt(env, info[0], "r", 1), c = GetInt(env, info[1], "c", 1);
  Buf X = GetBuf(env, info[2], "X");
  Buf Z = GetBuf(env, info[3], "Z");
  if (X.kind != Z.kind) throw Napi::TypeError::New(env, "transpose: operands differ in dtype");
  Need(env, X, r * c, "X");
  Need(env, Z, r * c, "Z");
  if (X.kind == Kind::F32) {
    cblas_somatcopy(CblasRowMajor, CblasTrans, static_cast<int>(r), static_cast<int>(c), 1.0f,
                    static_cast<float*>(X.data), static_cast<int>(c), static_cast<float*>(Z.data), static_cast<int>(r));
  } else {
    cblas_domatcopy(CblasRowMajor, CblasTrans, static_cast<int>(r), static_cast<int>(c), 1.0,
                    static_cast<double*>(X.data), static_cast<int>(c), static_cast<double*>(Z.data), static_cast<int>(r));
  }
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gemmBatch", Napi::Function::New(env, GemmBatch));
  exports.Set("syrk", Napi::Function::New(env, Syrk));
  exports.Set("syevd", Napi::Function::New(env, Syevd));
  exports.Set("syevr", Napi::Function::New(env, Syevr));
  exports.Set("gesdd", Napi::Function::New(env, Gesdd));
  exports.Set("qr", Napi::Function::New(env, Qr));
  exports.Set("posv", Napi::Function::New(env, Posv));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("config", Napi::Function::New(env, Config));
  exports.Set("axpby", Napi::Function::New(env, Axpby));
  exports.Set("mul", Napi::Function::New(env, Mul));
  exports.Set("maximum", Napi::Function::New(env, Maximum));
  exports.Set("scaleRowsCols", Napi::Function::New(env, ScaleRowsCols));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("transpose", Napi::Function::New(env, Transpose));
  return exports;
}

}  // namespace

NODE_API_MODULE(sgmc_blas, Init)
