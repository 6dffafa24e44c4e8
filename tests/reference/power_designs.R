# Reference values for tests/test_power_robust.py: two-sided power (both tails), multi-arm designs
# with a multiplicity adjustment, and active-control (non-inferiority / superiority) designs.
#
# Run from this directory with `Rscript power_designs.R` (or `make reference` at the top level).
# Needs r-base-core and the mvtnorm package (r-cran-mvtnorm). Writes power_designs_*.csv here.
# Where no R function implements a design quantity the formula is written out from its reference
# (independently of the Python code): Fleiss (3rd ed., eq. 4.14) for each comparison, Dunnett
# (JASA 1955) for the joint law of comparisons with a shared control, Farrington & Manning (Stat
# Med 1990) for the restricted MLE of non-inferiority tests.

suppressPackageStartupMessages(library(mvtnorm))
options(digits = 17)
write_ref <- function(df, file) {
  write.csv(df, file, row.names = FALSE, na = "")
  cat("wrote", file, nrow(df), "rows\n")
}
set.seed(20261124)

# ------------------------------------------------------------------------------------------
# 1. Two groups, both rejection regions: power.prop.test(strict = TRUE); unequal n by formula
# ------------------------------------------------------------------------------------------
pw <- expand.grid(p1 = c(0.07, 0.3, 0.36, 0.5, 0.656), p2 = c(0.21, 0.36, 0.738, 0.84), n = c(3, 10, 42, 96, 200),
                  alpha = c(0.05, 0.01))
pw$power <- mapply(function(p1, p2, n, a) power.prop.test(n = n, p1 = p1, p2 = p2, sig.level = a, strict = TRUE)$power,
                   pw$p1, pw$p2, pw$n, pw$alpha)
pw$n_for_80 <- mapply(function(p1, p2, a) {
  if (p1 == p2) return(NA)
  power.prop.test(p1 = p1, p2 = p2, sig.level = a, power = 0.8, strict = TRUE, tol = 1e-12)$n
}, pw$p1, pw$p2, pw$alpha)
write_ref(pw, "power_designs_strict.csv")

fleiss_two_sided <- function(p1, p2, n1, n2, alpha) {
  z <- qnorm(1 - alpha / 2)
  pbar <- (n1 * p1 + n2 * p2) / (n1 + n2)
  sd0 <- sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
  sd1 <- sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
  d <- p1 - p2
  pnorm((d - z * sd0) / sd1) + pnorm((-d - z * sd0) / sd1)
}
un <- expand.grid(p1 = c(0.3, 0.5, 0.656), p2 = c(0.36, 0.738), n1 = c(5, 64), n2 = c(7, 42, 150), alpha = 0.05)
un$power <- mapply(fleiss_two_sided, un$p1, un$p2, un$n1, un$n2, un$alpha)
write_ref(un, "power_designs_unequal.csv")

# ------------------------------------------------------------------------------------------
# 2. Multi-arm trials against a shared control
# ------------------------------------------------------------------------------------------
# Statistics Z_i of the comparisons with the control are jointly normal; with a shared control
# U_i = lambda_i W + sqrt(1 - lambda_i^2) E_i, so every probability is a 1-d integral over W.
factor_prob <- function(lo, hi, lam, reject_all = FALSE) {
  s <- sqrt(1 - lam^2)
  f <- function(w) sapply(w, function(wi) {
    acc <- pnorm((hi - lam * wi) / s) - pnorm((lo - lam * wi) / s)
    g <- if (reject_all) 1 - acc else acc
    dnorm(wi) * prod(g)
  })
  integrate(f, -Inf, Inf, rel.tol = 1e-12, abs.tol = 1e-14, subdivisions = 1000L)$value
}
dunnett_c <- function(n0, nt, alpha) {
  lam <- sqrt(nt / (nt + n0))
  k <- length(nt)
  uniroot(function(c) factor_prob(rep(-c, k), rep(c, k), lam) - (1 - alpha),
          c(qnorm(1 - alpha / 2), qnorm(1 - alpha / (2 * k)) + 1e-9), tol = 1e-13)$root
}
dunnett_c_mvtnorm <- function(n0, nt, alpha) {
  lam <- sqrt(nt / (nt + n0))
  R <- outer(lam, lam); diag(R) <- 1
  qmvnorm(1 - alpha, tail = "both.tails", corr = R, algorithm = GenzBretz(maxpts = 1e6, abseps = 1e-7))$quantile
}
multi_arm <- function(p0, pt, n0, nt, alpha, method) {
  k <- length(pt)
  c <- switch(method, dunnett = dunnett_c(n0, nt, alpha), bonferroni = qnorm(1 - alpha / (2 * k)),
              unadjusted = qnorm(1 - alpha / 2))
  pbar <- (nt * pt + n0 * p0) / (nt + n0)
  sd0 <- sqrt(pbar * (1 - pbar) * (1 / nt + 1 / n0))
  sd1 <- sqrt(pt * (1 - pt) / nt + p0 * (1 - p0) / n0)
  hi <- (c * sd0 - (pt - p0)) / sd1
  lo <- (-c * sd0 - (pt - p0)) / sd1
  lam <- sqrt(p0 * (1 - p0) / n0) / sd1
  each <- pnorm(lo) + pnorm(hi, lower.tail = FALSE)
  any <- 1 - factor_prob(lo, hi, lam)
  all <- factor_prob(lo, hi, lam, reject_all = TRUE)
  # The same probabilities from mvtnorm's Genz-Bretz algorithm (an independent method).
  S <- outer(lam, lam); diag(S) <- 1
  acc_mvt <- pmvnorm(lower = lo, upper = hi, corr = S, algorithm = GenzBretz(maxpts = 1e6, abseps = 1e-8))
  lam0 <- sqrt(nt / (nt + n0))
  fwer <- 1 - factor_prob(rep(-c, k), rep(c, k), lam0)
  list(c = c, each = each, any = any, all = all, any_mvtnorm = 1 - as.numeric(acc_mvt), fwer = fwer,
       c_mvtnorm = if (method == "dunnett") dunnett_c_mvtnorm(n0, nt, alpha) else NA)
}
ma_cases <- list(
  list(p0 = 0.36, pt = c(0.6, 0.7), n0 = 70, nt = c(70, 70), alpha = 0.05),
  list(p0 = 0.36, pt = c(0.36, 0.36), n0 = 70, nt = c(70, 70), alpha = 0.05),
  list(p0 = 0.2, pt = c(0.35, 0.4, 0.45), n0 = 120, nt = c(80, 80, 80), alpha = 0.05),
  list(p0 = 0.5, pt = c(0.3, 0.65), n0 = 50, nt = c(40, 60), alpha = 0.01),
  list(p0 = 0.3, pt = c(0.5, 0.5, 0.5, 0.5), n0 = 100, nt = c(50, 50, 50, 50), alpha = 0.05)
)
ma_rows <- list()
for (i in seq_along(ma_cases)) {
  cs <- ma_cases[[i]]
  for (method in c("dunnett", "bonferroni", "unadjusted")) {
    r <- multi_arm(cs$p0, cs$pt, cs$n0, cs$nt, cs$alpha, method)
    ma_rows[[length(ma_rows) + 1]] <- data.frame(
      case = i, method = method, p_control = cs$p0, p_treatments = paste(cs$pt, collapse = ";"),
      n_control = cs$n0, n_treatments = paste(cs$nt, collapse = ";"), alpha = cs$alpha,
      critical_value = r$c, critical_value_mvtnorm = r$c_mvtnorm, power_each = paste(sprintf("%.17g", r$each), collapse = ";"),
      power_any = r$any, power_any_mvtnorm = r$any_mvtnorm, power_all = r$all, familywise_error = r$fwer)
  }
}
write_ref(do.call(rbind, ma_rows), "power_designs_multi_arm.csv")

# Bonferroni with equal arms: each comparison is power.prop.test(strict = TRUE) at alpha / k.
bf <- expand.grid(p0 = c(0.2, 0.36), p = c(0.45, 0.6), n = c(30, 70, 150), k = c(2, 3))
bf$power_each <- mapply(function(p0, p, n, k) power.prop.test(n = n, p1 = p, p2 = p0, sig.level = 0.05 / k, strict = TRUE)$power,
                        bf$p0, bf$p, bf$n, bf$k)
write_ref(bf, "power_designs_bonferroni.csv")

# Sample size per arm (ratio = n_control / n_treatment), solved on the continuous scale.
ss_cases <- expand.grid(target = c("each", "any", "all"), method = c("dunnett", "bonferroni"), ratio = c(1, sqrt(2)),
                        stringsAsFactors = FALSE)
ss_rows <- list()
for (j in seq_len(nrow(ss_cases))) {
  s <- ss_cases[j, ]
  p0 <- 0.36; pt <- c(0.6, 0.7)
  f <- function(n) {
    r <- multi_arm(p0, pt, s$ratio * n, c(n, n), 0.05, s$method)
    switch(s$target, each = min(r$each), any = r$any, all = r$all) - 0.8
  }
  n <- uniroot(f, c(2, 2000), tol = 1e-10)$root
  ss_rows[[j]] <- data.frame(target = s$target, method = s$method, ratio = s$ratio, n_treatment_exact = n)
}
write_ref(do.call(rbind, ss_rows), "power_designs_multi_arm_n.csv")

# ------------------------------------------------------------------------------------------
# 3. Active control: non-inferiority / superiority (Farrington & Manning 1990; Wald)
# ------------------------------------------------------------------------------------------
fm_mle <- function(p1, p2, theta, delta) {
  # Restricted MLE of p1 under p1 - p2 = delta; theta = n2 / n1 (FM 1990, eqs 2-3).
  a <- 1 + theta
  b <- -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
  c <- delta^2 + delta * (2 * p1 + theta + 1) + p1 + theta * p2
  d <- -p1 * delta * (1 + delta)
  v <- b^3 / (27 * a^3) - b * c / (6 * a^2) + d / (2 * a)
  u <- sign(v) * sqrt(b^2 / (9 * a^2) - c / (3 * a))
  w <- (pi + acos(v / u^3)) / 3
  q1 <- 2 * u * cos(w) - b / (3 * a)
  c(q1, q1 - delta)
}
active <- function(pt, pc, nt, nc, margin, hypothesis, alpha, method) {
  delta <- if (hypothesis == "non-inferiority") -margin else margin
  sd1 <- sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc)
  if (method == "wald") {
    sd0 <- sd1
  } else if (delta == 0) {
    pbar <- (nt * pt + nc * pc) / (nt + nc)
    sd0 <- sqrt(pbar * (1 - pbar) * (1 / nt + 1 / nc))
  } else {
    q <- fm_mle(pt, pc, nc / nt, delta)
    sd0 <- sqrt(q[1] * (1 - q[1]) / nt + q[2] * (1 - q[2]) / nc)
  }
  pnorm((pt - pc - delta - qnorm(1 - alpha) * sd0) / sd1)
}
ac <- expand.grid(p_test = c(0.6, 0.75, 0.8), p_control = c(0.7, 0.8), n_test = c(50, 120), ratio = c(1, 2),
                  margin = c(0, 0.1), hypothesis = c("non-inferiority", "superiority"),
                  method = c("farrington-manning", "wald"), stringsAsFactors = FALSE)
ac$n_control <- ac$n_test * ac$ratio
ac$alpha <- 0.025
ac$power <- mapply(active, ac$p_test, ac$p_control, ac$n_test, ac$n_control, ac$margin, ac$hypothesis,
                   ac$alpha, ac$method)
# Sample size (n_test) solved on the continuous scale where the design has power.
ac$n_test_for_80 <- mapply(function(pt, pc, r, m, h, a, meth) {
  delta <- if (h == "non-inferiority") -m else m
  if (pt - pc - delta <= 1e-9) return(NA)
  uniroot(function(n) active(pt, pc, n, r * n, m, h, a, meth) - 0.8, c(1e-3, 1e7), tol = 1e-10)$root
}, ac$p_test, ac$p_control, ac$ratio, ac$margin, ac$hypothesis, ac$alpha, ac$method)
write_ref(ac, "power_designs_active.csv")

# Farrington-Manning at margin 0 is the pooled test: power.prop.test(alternative = "one.sided").
os <- expand.grid(p_test = c(0.5, 0.65), p_control = c(0.36, 0.45), n = c(40, 100))
os$power <- mapply(function(pt, pc, n) power.prop.test(n = n, p1 = pt, p2 = pc, sig.level = 0.025, alternative = "one.sided")$power,
                   os$p_test, os$p_control, os$n)
write_ref(os, "power_designs_one_sided.csv")
