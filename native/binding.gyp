{
  "targets": [
    {
      "target_name": "sgmc_blas",
      "sources": ["blas.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=c++17"],
      "libraries": ["-lopenblas", "-llapacke"]
    }
  ]
}
