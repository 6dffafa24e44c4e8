# Reference values for tests/test_contingency.py (reanalysis.contingency).
#
# Run from this directory with `Rscript contingency.R` (or `make reference` at the top level).
# Needs r-base-core and r-cran-metafor. Writes contingency_rxc.csv, contingency_trend.csv,
# contingency_cmh.csv and contingency_homogeneity.csv next to this script.
#
# Table encodings in the CSVs (read back by the tests):
#   r x c table   "8 2 3;1 5 4"        rows separated by ';', cells by ' '
#   strata        "0 0;6 5|3 0;3 6"    one 2x2 [[a, b], [c, d]] per stratum (rows = group 1, 2;
#                                      columns = event, no event), strata separated by '|'
# The R 2 x 2 x K array of a stratum list has x[1,1,k] = a, x[1,2,k] = b, x[2,1,k] = c, x[2,2,k] = d.

suppressPackageStartupMessages(library(metafor))
options(digits = 17)
write_ref <- function(df, file) {
  write.csv(df, file, row.names = FALSE, na = "")
  cat("wrote", file, nrow(df), "rows\n")
}
enc_table <- function(m) paste(apply(m, 1, paste, collapse = " "), collapse = ";")
dec_table <- function(s) {
  rows <- strsplit(strsplit(s, ";")[[1]], " ")
  do.call(rbind, lapply(rows, as.numeric))
}
dec_strata <- function(s) {
  tabs <- lapply(strsplit(s, "\\|")[[1]], dec_table)
  x <- array(0, dim = c(2, 2, length(tabs)))
  for (k in seq_along(tabs)) x[, , k] <- tabs[[k]]
  x
}

# ------------------------------------------------------------------------------------------
# 1. r x c tables: chisq.test(correct = FALSE), G by its formula, fisher.test
# ------------------------------------------------------------------------------------------
rxc_tables <- c(
  "8 2 3;1 5 4",                       # 2x3 (fisher.test help page style)
  "3 1 0;2 4 5",                       # 2x3 with a zero cell
  "5 2 1;1 4 3;0 2 6",                 # 3x3 small
  "10 3;7 6;4 9;2 11",                 # 4x2 (k groups x response)
  "8 2;1 5",                           # 2x2: fisher.test's 2x2 branch (relErr 1e-7)
  "42 22;31 11",                       # 2x2 HPAG vs EPAG style
  "12 20 8 10;15 11 19 13;9 14 22 16", # 3x4
  "1 3 10 6;2 3 10 7;1 6 14 12;0 1 9 11", # 4x4 job satisfaction x income (Agresti 2002, p. 57)
  "762 327 468;484 239 477",           # 2x3 gender x party identification (Agresti 2007, Table 2.5)
  "20 15 15;10 25 15;18 12 20",        # 3x3, N = 150
  "40 30 30;20 50 30;36 24 40",        # 3x3, N = 300
  "30 25 35 20 40;30 35 25 40 20",     # 2x5, N = 300
  "10 12 8 6 14;9 11 10 12 8;7 13 11 9 10", # 3x5, N = 150
  "0 3;1 2;4 0;2 2;0 1",               # 5x2 sparse
  "0 0 3;0 2 0;1 0 0",                 # 3x3 mostly zeros
  "3 0 0;0 3 0;0 0 3",                 # 3x3 diagonal: many tied tables
  "2 2 2;2 2 2",                       # 2x3 no association: p = 1
  "120 80;95 105;60 140",              # 3x2 large
  "1 7 8;7 5 4",                       # ITP dose cohorts as a 2x3 (responders / non-responders)
  "6 1 0 2;3 4 2 0;1 2 5 3",           # 3x4 sparse, clinical size
  "15 9 4;11 13 7;6 10 14;3 8 12"      # 4x3, N = 112
)
rxc_rows <- lapply(rxc_tables, function(s) {
  m <- dec_table(s)
  e <- outer(rowSums(m), colSums(m)) / sum(m)
  chi <- suppressWarnings(chisq.test(m, correct = FALSE))
  g <- 2 * sum(ifelse(m > 0, m * log(m / e), 0))
  df <- (nrow(m) - 1) * (ncol(m) - 1)
  f <- fisher.test(m, workspace = 2e7)
  data.frame(table = s, chi2 = unname(chi$statistic), chi2_p = chi$p.value, dof = df,
             g = g, g_p = pchisq(g, df, lower.tail = FALSE), fisher_p = f$p.value)
})
write_ref(do.call(rbind, rxc_rows), "contingency_rxc.csv")

# ------------------------------------------------------------------------------------------
# 2. Trend in proportions: prop.trend.test; linear-by-linear (N-1)/N; exact by brute force
# ------------------------------------------------------------------------------------------
exact_trend <- function(x, n, s) {
  # Every vector of responders with the observed total, weighted by its multivariate
  # hypergeometric probability; p = P(|T - E T| >= |t - E T|), T = sum(s * x).
  grid <- as.matrix(expand.grid(lapply(n, function(ni) 0:ni)))
  grid <- grid[rowSums(grid) == sum(x), , drop = FALSE]
  lp <- rowSums(sapply(seq_along(n), function(i) lchoose(n[i], grid[, i]))) - lchoose(sum(n), sum(x))
  tt <- as.vector(grid %*% s)
  e <- sum(x) / sum(n) * sum(n * s)
  d <- abs(tt - e)
  sum(exp(lp)[d >= abs(sum(s * x) - e) * (1 - 1e-7)])
}
trend_sets <- list(
  list(x = c(1, 7, 8), n = c(8, 12, 12), s = NULL, exact = TRUE),      # ITP dose cohorts
  list(x = c(83, 90, 129, 70), n = c(86, 93, 136, 82), s = NULL, exact = FALSE),  # ?prop.trend.test
  list(x = c(83, 90, 129, 70), n = c(86, 93, 136, 82), s = c(0, 0, 0, 1), exact = FALSE),
  list(x = c(48, 38, 5, 1, 1), n = c(17114, 14502, 793, 127, 38), s = c(0, 0.5, 1.5, 4, 7), exact = FALSE),
  list(x = c(48, 38, 5, 1, 1), n = c(17114, 14502, 793, 127, 38), s = NULL, exact = FALSE),
  list(x = c(0, 1, 3), n = c(5, 5, 5), s = NULL, exact = TRUE),
  list(x = c(5, 3, 1), n = c(10, 10, 10), s = NULL, exact = TRUE),
  list(x = c(2, 2, 2, 2), n = c(10, 10, 10, 10), s = NULL, exact = TRUE),
  list(x = c(1, 2, 4, 6), n = c(8, 8, 9, 10), s = c(0, 10, 50, 100), exact = TRUE),
  list(x = c(1, 3), n = c(6, 7), s = NULL, exact = TRUE),
  list(x = c(0, 0, 2, 5), n = c(6, 6, 6, 6), s = c(1, 2, 4, 8), exact = TRUE),
  list(x = c(3, 5, 9), n = c(12, 12, 12), s = c(2.5, 5, 7.5), exact = TRUE),
  list(x = c(10, 14, 22, 30), n = c(50, 50, 50, 50), s = NULL, exact = FALSE)
)
trend_rows <- lapply(trend_sets, function(t) {
  s <- if (is.null(t$s)) seq_along(t$x) else t$s
  r <- prop.trend.test(t$x, t$n, s)
  big_n <- sum(t$n)
  lbl <- unname(r$statistic) * (big_n - 1) / big_n
  data.frame(count = paste(t$x, collapse = " "), nobs = paste(t$n, collapse = " "),
             scores = if (is.null(t$s)) "" else paste(t$s, collapse = " "),
             chi2 = unname(r$statistic), p = r$p.value,
             lbl = lbl, lbl_p = pchisq(lbl, 1, lower.tail = FALSE),
             exact_p = if (t$exact) exact_trend(t$x, t$n, s) else NA)
})
write_ref(do.call(rbind, trend_rows), "contingency_trend.csv")

# ------------------------------------------------------------------------------------------
# 3. Stratified 2 x 2: mantelhaen.test (correct TRUE/FALSE, exact) and a tight re-solve of the
#    exact estimate and interval (R's uniroot stops at ~1e-4)
# ------------------------------------------------------------------------------------------
exact_tight <- function(x, conf.level = 0.95) {
  # Same definitions as mantelhaen.test(exact = TRUE), density by convolving dhyper, roots to 1e-14.
  K <- dim(x)[3]
  m <- x[1, 1, ] + x[2, 1, ]; n <- x[1, 2, ] + x[2, 2, ]; t <- x[1, 1, ] + x[1, 2, ]
  s <- sum(x[1, 1, ])
  lo <- sum(pmax(0, t - n)); hi <- sum(pmin(m, t))
  conv <- function(a, b) {  # direct convolution (stats::convolve uses the FFT: ~1e-16 absolute error)
    out <- numeric(length(a) + length(b) - 1)
    for (i in seq_along(a)) {
      j <- i:(i + length(b) - 1)
      out[j] <- out[j] + a[i] * b
    }
    out
  }
  dc <- 1
  for (k in 1:K) {
    sup <- max(0, t[k] - n[k]):min(m[k], t[k])
    dc <- conv(dc, dhyper(sup, m[k], n[k], t[k]))
  }
  dc <- dc / sum(dc)
  support <- lo:hi
  dn <- function(u) { d <- log(dc) + u * support; d <- exp(d - max(d[is.finite(d)])); d / sum(d) }
  solve_u <- function(f, target) uniroot(function(u) f(u) - target, c(-60, 60), tol = 1e-14)$root
  est <- if (s == lo) 0 else if (s == hi) Inf else exp(solve_u(function(u) sum(support * dn(u)), s))
  a <- (1 - conf.level) / 2
  low <- if (s == lo) 0 else exp(solve_u(function(u) sum(dn(u)[support >= s]), a))
  high <- if (s == hi) Inf else exp(solve_u(function(u) -sum(dn(u)[support <= s]), -a))
  c(est, low, high)
}
cmh_sets <- c(
  "0 0;6 5|3 0;3 6|6 2;0 4|5 6;1 0|2 5;0 0",    # penicillin / rabbits (?mantelhaen.test), K = 5
  "2 4;3 5|1 2;6 7",                            # K = 2
  "12 8;5 15|9 11;4 16",                        # K = 2, moderate
  "3 7;1 9|4 6;2 8|5 5;3 7",                    # K = 3
  "1 1;1 1|2 0;0 2|0 2;2 0",                    # K = 3, tiny strata, |D| < 1/2
  "10 40;5 45|8 42;6 44|12 38;7 43|9 41;4 46",  # K = 4, 100 per stratum
  "2 3;2 3|1 4;1 4|3 2;3 2|0 5;1 4|4 1;2 3",    # K = 5, near null
  "5 0;2 3|4 1;1 4|3 2;0 5|6 0;3 3|2 2;1 3|4 1;2 4", # K = 6, zero cells
  "20 30;15 35|25 25;18 32",                    # K = 2, larger
  "1 0;0 1|1 0;0 1",                            # K = 2, n = 2 per stratum
  "7 3;2 8|0 5;0 5|6 4;3 7",                    # K = 3, one stratum with a zero margin
  "30 70;20 80|45 55;30 70|10 90;5 95|60 40;50 50|25 75;15 85|40 60;28 72" # K = 6, large
)
cmh_rows <- lapply(cmh_sets, function(s) {
  x <- dec_strata(s)
  out <- data.frame(strata = s)
  for (cc in c(TRUE, FALSE)) {
    r <- mantelhaen.test(x, correct = cc)
    tag <- if (cc) "cc" else "nocc"
    out[[paste0(tag, "_stat")]] <- unname(r$statistic)
    out[[paste0(tag, "_p")]] <- r$p.value
  }
  out$estimate <- unname(r$estimate)
  out$low <- r$conf.int[1]
  out$high <- r$conf.int[2]
  r90 <- mantelhaen.test(x, conf.level = 0.90)
  out$low90 <- r90$conf.int[1]
  out$high90 <- r90$conf.int[2]
  e <- mantelhaen.test(x, exact = TRUE)
  out$exact_s <- unname(e$statistic)
  out$exact_p <- e$p.value
  out$exact_estimate <- unname(e$estimate)
  out$exact_low <- e$conf.int[1]
  out$exact_high <- e$conf.int[2]
  tight <- exact_tight(x)
  out$tight_estimate <- tight[1]
  out$tight_low <- tight[2]
  out$tight_high <- tight[3]
  out
})
write_ref(do.call(rbind, cmh_rows), "contingency_cmh.csv")

# ------------------------------------------------------------------------------------------
# 4. Homogeneity: Breslow-Day and Tarone from metafor::rma.mh, and Breslow-Day from its formula
# ------------------------------------------------------------------------------------------
bd_formula <- function(x) {
  a <- x[1, 1, ]; r1 <- x[1, 1, ] + x[1, 2, ]; c1 <- x[1, 1, ] + x[2, 1, ]; n <- apply(x, 3, sum)
  psi <- sum(x[1, 1, ] * x[2, 2, ] / n) / sum(x[1, 2, ] * x[2, 1, ] / n)
  e <- sapply(seq_along(a), function(k) {
    lo <- max(0, r1[k] + c1[k] - n[k]); hi <- min(r1[k], c1[k])
    f <- function(e) e * (n[k] - r1[k] - c1[k] + e) - psi * (r1[k] - e) * (c1[k] - e)
    uniroot(f, c(lo, hi), tol = 1e-14)$root
  })
  v <- 1 / (1 / e + 1 / (r1 - e) + 1 / (c1 - e) + 1 / (n - r1 - c1 + e))
  bd <- sum((a - e)^2 / v)
  c(bd, bd - (sum(a) - sum(e))^2 / sum(v), length(a) - 1)
}
hom_sets <- c(
  "2 4;3 5|1 2;6 7",
  "12 8;5 15|9 11;4 16",
  "3 7;1 9|4 6;2 8|5 5;3 7",
  "10 40;5 45|8 42;6 44|12 38;7 43|9 41;4 46",
  "6 2;0 4|5 6;1 0|3 0;3 6",
  "20 30;15 35|25 25;18 32",
  "4 2;2 1|1 2;2 4",                          # pooled odds ratio exactly 1
  "9 1;2 8|2 8;9 1",                          # strongly heterogeneous
  "30 70;20 80|45 55;30 70|10 90;5 95|60 40;50 50|25 75;15 85|40 60;28 72"
)
hom_rows <- lapply(hom_sets, function(s) {
  x <- dec_strata(s)
  m <- rma.mh(ai = x[1, 1, ], bi = x[1, 2, ], ci = x[2, 1, ], di = x[2, 2, ], measure = "OR")
  f <- bd_formula(x)
  data.frame(strata = s, bd = m$BD, bd_p = m$BDp, tarone = m$TA, tarone_p = m$TAp, dof = f[3],
             bd_formula = f[1], tarone_formula = f[2])
})
write_ref(do.call(rbind, hom_rows), "contingency_homogeneity.csv")
