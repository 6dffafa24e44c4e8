# Reference values for tests/test_reconstruction_r.py (reconstruction and the two-arm reanalysis).
#
# Inputs are written by `python tests/reference/reconstruction_inputs.py` (run from the repository
# root); run this script from tests/reference with `Rscript reconstruction.R` (or `make reference`).
# Needs the Debian packages r-base-core r-cran-survival r-cran-cmprsk.
#
# 1. reconstruction_r.csv: on the IPD the package reconstructs from two published trials, what R
#    reports: survfit medians (log CI) and survival at chosen times, coxph (Efron) hazard ratio with
#    Wald CI, survdiff, and the restricted mean with its standard error (print.survfit rmean).
# 2. reconstruction_cuminc.csv: cmprsk::cuminc on the reconstructed time-to-response data with
#    deaths before response as a competing event.
# 3. reconstruction_guyot_r.csv: Guyot et al.'s 2012 algorithm as published (BMC Med Res Methodol
#    12:9, its supplementary R code's logic, written out here from the paper's description) run on
#    the same curves: how many patients, events and numbers at risk it returns.

suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
})
options(digits = 17)
write_ref <- function(df, file) {
  # full precision (write.csv alone keeps 15 significant digits, which moves a time off its step)
  df[] <- lapply(df, function(x) if (is.numeric(x)) ifelse(is.na(x), NA, sprintf("%.17g", x)) else x)
  write.csv(df, file, row.names = FALSE, na = "", quote = FALSE)
  cat("wrote", file, nrow(df), "rows\n")
}
ipd <- read.csv("reconstruction_ipd.csv")

# ------------------------------------------------------------------------------------------
# 1. The two-arm reanalysis
# ------------------------------------------------------------------------------------------
rows <- list()
add <- function(case, arm, quantity, value) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, arm = arm, quantity = quantity, value = value)
}
for (case in c("keynote189", "bonner2006")) {
  d <- ipd[ipd$case == case, ]
  tau <- min(tapply(d$time, d$treated, max))
  for (tr in c(1, 0)) {
    a <- d[d$treated == tr, ]
    arm <- a$arm[1]
    fit <- survfit(Surv(time, event) ~ 1, data = a, conf.type = "log")
    q <- quantile(fit, probs = 0.5, conf.int = TRUE)
    add(case, arm, "median", unname(q$quantile))
    add(case, arm, "median_low", unname(q$lower))
    add(case, arm, "median_high", unname(q$upper))
    for (t in c(6, 12)) add(case, arm, paste0("survival_", t), summary(fit, times = t)$surv)
    tab <- summary(fit, rmean = tau)$table
    add(case, arm, "rmst", unname(tab["rmean"]))
    add(case, arm, "rmst_se", unname(tab["se(rmean)"]))
    add(case, arm, "tau", tau)
  }
  cox <- coxph(Surv(time, event) ~ treated, data = d, ties = "efron")
  ci <- exp(confint(cox))
  add(case, "both", "hazard_ratio", unname(exp(coef(cox))))
  add(case, "both", "hr_low", ci[1, 1])
  add(case, "both", "hr_high", ci[1, 2])
  add(case, "both", "log_hr_se", sqrt(vcov(cox)[1, 1]))
  sd <- survdiff(Surv(time, event) ~ arm, data = d)
  add(case, "both", "logrank_statistic", sd$chisq)
  add(case, "both", "logrank_pvalue", pchisq(sd$chisq, df = 1, lower.tail = FALSE))
}
write_ref(do.call(rbind, rows), "reconstruction_r.csv")

# ------------------------------------------------------------------------------------------
# 2. cmprsk::cuminc on reconstructed time to response with a competing event
# ------------------------------------------------------------------------------------------
d <- ipd[ipd$case == "competing", ]
ci <- cuminc(d$time, d$code, cencode = 0)
cr <- list()
for (cause in c(1, 2)) {
  g <- ci[[paste("1", cause)]]
  cr[[length(cr) + 1]] <- data.frame(cause = cause, time = g$time, est = g$est, var = g$var)
}
write_ref(do.call(rbind, cr), "reconstruction_cuminc.csv")

# ------------------------------------------------------------------------------------------
# 3. Guyot et al. (2012) as published
# ------------------------------------------------------------------------------------------
guyot <- function(t.S, S, t.risk, n.risk, tot.events = NA) {
  # lower/upper: first and last digitised point of each at-risk interval; intervals without a
  # point are merged into the previous one (as the published code requires).
  keep <- sapply(seq_along(t.risk), function(i) {
    hi <- if (i < length(t.risk)) t.risk[i + 1] else Inf
    any(t.S >= t.risk[i] & t.S < hi)
  })
  t.risk <- t.risk[keep]; n.risk <- n.risk[keep]
  nint <- length(t.risk)
  lower <- sapply(seq_len(nint), function(i) min(which(t.S >= t.risk[i])))
  upper <- c(lower[-1] - 1, length(t.S))
  n.int <- length(n.risk); n.t <- upper[n.int]
  n.censor <- rep(0, n.int - 1); n.hat <- rep(n.risk[1] + 1, n.t); cen <- rep(0, n.t)
  d <- rep(0, n.t); KM.hat <- rep(1, n.t); last.i <- rep(1, n.int); sumdL <- 0
  if (n.int > 1) {
    for (i in 1:(n.int - 1)) {
      n.censor[i] <- round(n.risk[i] * S[lower[i + 1]] / S[lower[i]] - n.risk[i + 1])
      while ((n.hat[lower[i + 1]] > n.risk[i + 1]) || ((n.hat[lower[i + 1]] < n.risk[i + 1]) && (n.censor[i] > 0))) {
        if (n.censor[i] <= 0) {
          cen[lower[i]:upper[i]] <- 0
          n.censor[i] <- 0
        }
        if (n.censor[i] > 0) {
          cen.t <- t.S[lower[i]] + (1:n.censor[i]) * (t.S[lower[i + 1]] - t.S[lower[i]]) / (n.censor[i] + 1)
          cen[lower[i]:upper[i]] <- hist(cen.t, breaks = t.S[lower[i]:lower[i + 1]], plot = FALSE)$counts
        }
        n.hat[lower[i]] <- n.risk[i]
        last <- last.i[i]
        for (k in lower[i]:upper[i]) {
          if (i == 1 & k == lower[i]) {
            d[k] <- 0; KM.hat[k] <- 1
          } else {
            d[k] <- round(n.hat[k] * (1 - (S[k] / KM.hat[last])))
            KM.hat[k] <- KM.hat[last] * (1 - (d[k] / n.hat[k]))
          }
          n.hat[k + 1] <- n.hat[k] - d[k] - cen[k]
          if (d[k] != 0) last <- k
        }
        n.censor[i] <- n.censor[i] + (n.hat[lower[i + 1]] - n.risk[i + 1])
      }
      if (n.hat[lower[i + 1]] < n.risk[i + 1]) n.risk[i + 1] <- n.hat[lower[i + 1]]
      last.i[i + 1] <- last
    }
  }
  # last interval: the average censoring rate of the earlier intervals
  if (n.int > 1) {
    n.censor[n.int] <- min(round(sum(n.censor[1:(n.int - 1)]) * (t.S[upper[n.int]] - t.S[lower[n.int]]) /
      (t.S[upper[n.int - 1]] - t.S[lower[1]])), n.risk[n.int])
  } else {
    n.censor[n.int] <- 0
  }
  place_last <- function() {
    if (n.censor[n.int] <= 0) {
      cen[lower[n.int]:(upper[n.int] - 1)] <<- 0
      n.censor[n.int] <<- 0
    } else {
      cen.t <- t.S[lower[n.int]] + (1:n.censor[n.int]) * (t.S[upper[n.int]] - t.S[lower[n.int]]) / (n.censor[n.int] + 1)
      cen[lower[n.int]:(upper[n.int] - 1)] <<- hist(cen.t, breaks = t.S[lower[n.int]:upper[n.int]], plot = FALSE)$counts
    }
    n.hat[lower[n.int]] <<- n.risk[n.int]
    last <- last.i[n.int]
    for (k in lower[n.int]:upper[n.int]) {
      if (KM.hat[last] != 0) d[k] <<- round(n.hat[k] * (1 - (S[k] / KM.hat[last]))) else d[k] <<- 0
      KM.hat[k] <<- KM.hat[last] * (1 - (d[k] / n.hat[k]))
      if (k != upper[n.int]) {
        n.hat[k + 1] <<- n.hat[k] - d[k] - cen[k]
        if (n.hat[k + 1] < 0) {
          n.hat[k + 1] <<- 0
          cen[k] <<- n.hat[k] - d[k]
        }
      }
      if (d[k] != 0) last <- k
    }
  }
  if (lower[n.int] < upper[n.int]) place_last() else {
    k <- upper[n.int]; last <- last.i[n.int]
    d[k] <- if (KM.hat[last] != 0) round(n.risk[n.int] * (1 - S[k] / KM.hat[last])) else 0
  }
  if (!is.na(tot.events)) {
    if (n.int > 1) {
      sumdL <- sum(d[1:upper[n.int - 1]])
      if (sumdL >= tot.events) {
        d[lower[n.int]:upper[n.int]] <- 0
        cen[lower[n.int]:(upper[n.int] - 1)] <- 0
      }
    }
    if ((sumdL < tot.events) || (n.int == 1)) {
      sumd <- sum(d[1:upper[n.int]])
      seen <- c()
      while (((sumd > tot.events) || ((sumd < tot.events) && (n.censor[n.int] > 0))) && !(n.censor[n.int] %in% seen)) {
        seen <- c(seen, n.censor[n.int])
        n.censor[n.int] <- n.censor[n.int] + (sumd - tot.events)
        if (lower[n.int] < upper[n.int]) place_last()
        sumd <- sum(d[1:upper[n.int]])
      }
    }
  }
  # IPD: events at the digitised times, censorings at mid-points, the rest censored at the end
  t.IPD <- rep(t.S[n.t], n.risk[1]); event.IPD <- rep(0, n.risk[1]); k <- 1
  for (j in 1:n.t) if (d[j] != 0) {
    t.IPD[k:(k + d[j] - 1)] <- t.S[j]; event.IPD[k:(k + d[j] - 1)] <- 1; k <- k + d[j]
  }
  for (j in 1:(n.t - 1)) if (cen[j] != 0) {
    t.IPD[k:(k + cen[j] - 1)] <- (t.S[j] + t.S[j + 1]) / 2; event.IPD[k:(k + cen[j] - 1)] <- 0; k <- k + cen[j]
  }
  data.frame(time = t.IPD, event = event.IPD)
}

curves <- read.csv("reconstruction_curves.csv")
gr <- list()
for (key in unique(paste(curves$case, curves$arm))) {
  cc <- curves[paste(curves$case, curves$arm) == key, ]
  cv <- cc[cc$kind == "curve", ]; ar <- cc[cc$kind == "at_risk", ]
  te <- cc$total_events[1]
  out <- guyot(cv$time, cv$value, ar$time, ar$value, te)
  g <- data.frame(case = cc$case[1], arm = cc$arm[1], quantity = c("patients", "events"),
                  time = NA, published = c(ar$value[1], te), guyot_r = c(nrow(out), sum(out$event)))
  g <- rbind(g, data.frame(case = cc$case[1], arm = cc$arm[1], quantity = "at risk", time = ar$time,
                           published = ar$value, guyot_r = sapply(ar$time, function(t) sum(out$time >= t))))
  gr[[length(gr) + 1]] <- g
}
write_ref(do.call(rbind, gr), "reconstruction_guyot_r.csv")
