import type { ClusterWatchState, SiteWatchState, WatchEvent } from "@bsaas/sdk/cluster";
import { Box, type Key, Text, useApp, useInput, useStdout } from "ink";
import {
  type ReactNode,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import { AppDetails, type AppDetailsState } from "./AppDetails.js";
import type { DashboardActions } from "./actions.js";
import { errorText, truncate } from "./format.js";
import { Help } from "./Help.js";
import { Line } from "./Panel.js";
import {
  AppsPanel,
  DeploymentsPanel,
  EventLog,
  HTCondorPanel,
  MesosPanel,
  RESOURCE_LINES,
  type SampleState,
} from "./panels.js";
import { ScaleDialog, type ScaleState } from "./ScaleDialog.js";
import { makeTheme, noColorFromEnv, ThemeContext, useTheme } from "./theme.js";

/** Where the dashboard's data comes from: a {@link ClusterWatch} of the SDK (or a test's stand-in). */
export interface WatchSource {
  readonly current: ClusterWatchState;
  /** Must be the same function on every call (React subscribes with it). */
  subscribe(listener: (state: ClusterWatchState) => void): () => void;
  log(message: string, options?: { site?: string; level?: WatchEvent["level"] }): void;
  refresh(site?: string): void;
}

/** The panels, in tab order. */
export const PANELS = ["apps", "deployments", "mesos", "htcondor", "events"] as const;
export type PanelId = (typeof PANELS)[number];

/** Props of {@link Dashboard}. */
export interface DashboardProps {
  watch: WatchSource;
  actions: DashboardActions;
  /** The cluster file's executor bounds per site, shown when scaling. */
  bounds?: Readonly<Record<string, { min: number; max: number }>>;
  /** Columns and rows to draw in; default: the terminal's (one row less, so the terminal never scrolls). */
  width?: number;
  height?: number;
  /** No colours (default: `NO_COLOR` set). */
  noColor?: boolean;
  /** Called when the user quits, before the Ink app exits. */
  onQuit?: () => void;
}

/** `useState` whose newest value is readable at once through the returned ref (set before React renders again). */
function useLatestState<T>(
  initial: T,
): [T, (next: T | ((previous: T) => T)) => void, { readonly current: T }] {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  const set = useCallback((next: T | ((previous: T) => T)) => {
    ref.current = typeof next === "function" ? (next as (previous: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [value, set, ref];
}

function useTerminalSize(width?: number, height?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return {
    width: Math.max(40, width ?? size.columns),
    height: Math.max(16, height ?? size.rows - 1),
  };
}

/** The executors app of a site, as the watch last read it. */
function executorsOf(site: SiteWatchState) {
  const apps = site.marathon.value?.apps ?? [];
  return apps.find((a) => a.role === "execute") ?? apps.find((a) => a.id.endsWith("/executors"));
}

/**
 * The live dashboard of a cluster: per site the Marathon apps, deployments in flight, Mesos agents and free
 * resources, the HTCondor pool, and the event log; app details, scaling the executors (drain-first, confirmed),
 * sample jobs, help. Every panel shows its own loading or error state. See {@link Help} for the keys.
 */
export function Dashboard(props: DashboardProps) {
  const theme = useMemo(() => makeTheme(props.noColor ?? noColorFromEnv()), [props.noColor]);
  return (
    <ThemeContext.Provider value={theme}>
      <DashboardScreen {...props} />
    </ThemeContext.Provider>
  );
}

function DashboardScreen({ watch, actions, bounds, onQuit, ...size }: DashboardProps) {
  const theme = useTheme();
  const state = useSyncExternalStore(watch.subscribe, () => watch.current);
  const { width, height } = useTerminalSize(size.width, size.height);
  const { exit } = useApp();
  // Keys of one read (tmux sending "Down Enter" at once, a paste) arrive before React renders again: the key
  // handler reads the `.current` of these, so each key sees what the one before it did.
  const [siteIndex, setSiteIndex, siteIndexRef] = useLatestState(0);
  const [focus, setFocus, focusRef] = useLatestState<PanelId>("apps");
  const [selectedApp, setSelectedApp, selectedAppRef] = useLatestState(0);
  const [eventScroll, setEventScroll] = useLatestState(0);
  const [deploymentScroll, setDeploymentScroll] = useLatestState(0);
  const [view, setView, viewRef] = useLatestState<"main" | "details" | "help">("main");
  const [details, setDetails] = useLatestState<AppDetailsState | undefined>(undefined);
  const [detailScroll, setDetailScroll] = useLatestState(0);
  const [scale, setScale, scaleRef] = useLatestState<ScaleState | undefined>(undefined);
  const [scaleHidden, setScaleHidden, scaleHiddenRef] = useLatestState(false);
  const [sample, setSample, sampleRef] = useLatestState<SampleState | undefined>(undefined);
  const [quitArmed, setQuitArmed, quitArmedRef] = useLatestState(false);
  const scaleController = useRef<AbortController | undefined>(undefined);

  useEffect(() => () => scaleController.current?.abort(), []);

  const sites = state.sites;
  const siteAt = Math.min(siteIndex, Math.max(0, sites.length - 1));
  const site = sites[siteAt];
  const apps = site?.marathon.value?.apps ?? [];
  const selected = Math.min(selectedApp, Math.max(0, apps.length - 1));
  const scaling = scale?.phase === "running";

  // Details: read when opened, and again after each read of the site's Marathon part.
  const detailsSite = details?.site;
  const detailsApp = details?.appId;
  const detailsTick = sites.find((s) => s.site === detailsSite)?.marathon.updatedAt;
  useEffect(() => {
    if (view !== "details" || !detailsSite || !detailsApp) return;
    void detailsTick;
    const controller = new AbortController();
    actions.appDetails(detailsSite, detailsApp, controller.signal).then(
      (app) => {
        if (!controller.signal.aborted)
          setDetails((d) =>
            d?.appId === detailsApp ? { site: d.site, appId: d.appId, app, loading: false } : d,
          );
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setDetails((d) =>
            d?.appId === detailsApp
              ? { ...d, error: errorText(error).split("\n")[0] ?? "", loading: false }
              : d,
          );
      },
    );
    return () => controller.abort();
  }, [view, detailsSite, detailsApp, detailsTick, actions, setDetails]);

  /** The site and its apps as the keys see them: the newest state, the newest selection. */
  const current = () => {
    const all = watch.current.sites;
    const at = Math.min(siteIndexRef.current, Math.max(0, all.length - 1));
    const s = all[at];
    const list = s?.marathon.value?.apps ?? [];
    return {
      sites: all,
      at,
      site: s,
      apps: list,
      selected: Math.min(selectedAppRef.current, Math.max(0, list.length - 1)),
    };
  };

  const quit = (force = false) => {
    if (scaleRef.current?.phase === "running" && !quitArmedRef.current && !force) {
      setQuitArmed(true);
      return;
    }
    scaleController.current?.abort();
    onQuit?.();
    exit();
  };

  const openScale = (delta: number) => {
    const { site } = current();
    if (!site) return;
    if (scaleRef.current?.phase === "running") {
      setScaleHidden(false);
      return;
    }
    const executors = executorsOf(site);
    if (!executors) {
      watch.log("cannot scale yet: the executors app has not been read", { site: site.site, level: "warn" });
      return;
    }
    const from = executors.instances;
    setScale({
      site: site.site,
      appId: executors.id,
      from,
      to: Math.max(0, from + delta),
      bounds: bounds?.[site.site],
      phase: "confirm",
      progress: [],
    });
    setScaleHidden(false);
  };

  const startScale = (chosen: ScaleState) => {
    if (chosen.to === chosen.from) {
      setScale(undefined);
      return;
    }
    const controller = new AbortController();
    scaleController.current = controller;
    setScale({ ...chosen, phase: "running", progress: [] });
    watch.log(`scaling executors ${chosen.from} → ${chosen.to}`, { site: chosen.site });
    actions
      .scale(chosen.site, chosen.to, {
        signal: controller.signal,
        onProgress: (message) => {
          setScale((s) => (s?.phase === "running" ? { ...s, progress: [...s.progress, message] } : s));
          watch.log(message, { site: chosen.site });
        },
      })
      .then(
        (summary) => {
          setScale((s) => (s ? { ...s, phase: "done", result: summary } : s));
          watch.log(summary, { site: chosen.site });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const text = errorText(error);
          setScale((s) => (s ? { ...s, phase: "failed", result: text } : s));
          watch.log(`scale failed: ${text.split("\n")[0]}`, { site: chosen.site, level: "error" });
        },
      )
      .finally(() => {
        if (scaleController.current === controller) scaleController.current = undefined;
        setQuitArmed(false);
        watch.refresh(chosen.site);
      });
  };

  const submitSample = () => {
    if (sampleRef.current?.state === "running") return;
    setSample({ state: "running", message: "" });
    watch.log("submitting a sample job");
    actions.submitSample().then(
      (message) => {
        setSample({ state: "ok", message });
        watch.log(`sample job: ${message}`);
        watch.refresh();
      },
      (error: unknown) => {
        const message = errorText(error).split("\n")[0] ?? "";
        setSample({ state: "error", message });
        watch.log(`sample job failed: ${message}`, { level: "error" });
      },
    );
  };

  useInput((input, key) => {
    // Plain text of one read comes as one string ("+\r" from a paste or a fast terminal): one key at a time.
    if (input.length > 1 && !key.ctrl && !key.meta) {
      const blank = Object.fromEntries(
        Object.entries(key).map(([k, v]) => [k, typeof v === "boolean" ? false : v]),
      ) as Key;
      for (const ch of input) {
        if (ch === "\r") onKey("", { ...blank, return: true });
        else if (ch === "\t") onKey("", { ...blank, tab: true });
        else if (ch === "\x7f") onKey("", { ...blank, backspace: true });
        else onKey(ch, blank);
      }
      return;
    }
    onKey(input, key);
  });

  function onKey(input: string, key: Key): void {
    if (key.ctrl && input === "c") {
      quit(true);
      return;
    }
    if (quitArmedRef.current && input !== "q") setQuitArmed(false);
    const dialog = scaleRef.current && !scaleHiddenRef.current ? scaleRef.current : undefined;
    if (dialog) {
      if (dialog.phase === "confirm") {
        if (input === "+" || input === "=" || key.upArrow || key.rightArrow)
          setScale((s) => (s?.phase === "confirm" ? { ...s, to: s.to + 1 } : s));
        else if (input === "-" || input === "_" || key.downArrow || key.leftArrow)
          setScale((s) => (s?.phase === "confirm" ? { ...s, to: Math.max(0, s.to - 1) } : s));
        else if (key.return || input === "y") startScale(dialog);
        else if (key.escape || input === "n" || input === "q") setScale(undefined);
        return;
      }
      if (dialog.phase === "running") {
        if (key.escape) setScaleHidden(true);
        else if (input === "q") quit();
        return;
      }
      setScale(undefined);
      return;
    }
    if (input === "q") {
      quit();
      return;
    }
    const view = viewRef.current;
    if (view === "help") {
      if (key.escape || input === "?" || key.return) setView("main");
      return;
    }
    if (input === "?") {
      setView("help");
      return;
    }
    if (input === "r") {
      watch.refresh();
      return;
    }
    if (view === "details") {
      if (key.escape || key.backspace || key.delete || key.leftArrow) setView("main");
      else if (key.upArrow || input === "k") setDetailScroll((s) => Math.max(0, s - 1));
      else if (key.downArrow || input === "j") setDetailScroll((s) => s + 1);
      else if (key.pageUp) setDetailScroll((s) => Math.max(0, s - 10));
      else if (key.pageDown) setDetailScroll((s) => s + 10);
      return;
    }
    if (input === "+" || input === "=" || input === "-" || input === "_") {
      openScale(input === "+" || input === "=" ? 1 : -1);
      return;
    }
    if (input === "s") {
      submitSample();
      return;
    }
    const focus = focusRef.current;
    const { sites, at: siteAt, site, apps, selected } = current();
    if (key.tab) {
      const i = PANELS.indexOf(focus);
      setFocus(PANELS[(i + (key.shift ? PANELS.length - 1 : 1)) % PANELS.length] ?? "apps");
      return;
    }
    if (/^[1-5]$/.test(input)) {
      setFocus(PANELS[Number(input) - 1] ?? "apps");
      return;
    }
    if (key.leftArrow || input === "h" || key.rightArrow || input === "l") {
      const step = key.leftArrow || input === "h" ? -1 : 1;
      setSiteIndex((siteAt + step + sites.length) % Math.max(1, sites.length));
      setSelectedApp(0);
      setDeploymentScroll(0);
      return;
    }
    const up = key.upArrow || input === "k";
    const down = key.downArrow || input === "j";
    if (up || down) {
      if (focus === "apps") setSelectedApp(Math.max(0, Math.min(apps.length - 1, selected + (up ? -1 : 1))));
      else if (focus === "events")
        setEventScroll((s) => Math.max(0, Math.min(watch.current.events.length - 1, s + (up ? 1 : -1))));
      else if (focus === "deployments") setDeploymentScroll((s) => Math.max(0, s + (up ? -1 : 1)));
      return;
    }
    if (key.end && focus === "events") {
      setEventScroll(0);
      return;
    }
    if (key.return && focus === "apps") {
      const app = apps[selected];
      if (!site || !app) return;
      setDetails({ site: site.site, appId: app.id, loading: true });
      setDetailScroll(0);
      setView("details");
    }
  }

  if (!site) {
    return (
      <Box width={width} height={height}>
        <Text>no sites in the cluster file</Text>
      </Box>
    );
  }

  // Rows: header, body, footer. The body of the main view: apps, deployments, resources, then events (or a dialog).
  const bodyHeight = height - 2;
  const deploymentCount = site.marathon.value?.deployments.length ?? 0;
  const deploymentLines = Math.max(1, Math.min(deploymentCount, 3));
  const budget = bodyHeight - (deploymentLines + 2) - (RESOURCE_LINES + 2);
  const wantedRows = Math.max(1, apps.length) + (site.marathon.error && site.marathon.value ? 1 : 0);
  const appRows = Math.max(1, Math.min(wantedRows, budget - 3 - 5));
  const bottomLines = Math.max(3, budget - (appRows + 3) - 2);
  const left = Math.floor(width / 2);
  const showDialog = scale && !scaleHidden;

  const stream = site.marathonStream;
  const streamText =
    stream.state === "live" ? "events live" : stream.state === "connecting" ? "connecting…" : "polling";
  const pool = state.htcondor;
  const poolText = pool.value
    ? `HTCondor ${pool.value.version}`
    : pool.error
      ? "HTCondor unavailable"
      : "HTCondor …";
  const siteText = sites.length > 1 ? `‹ ${site.site} › ${siteAt + 1}/${sites.length}` : site.site;

  const always = "? help · q quit";
  const keys = quitArmed
    ? "a scale is running: q again quits (it stops where it is), any other key stays"
    : view === "details"
      ? "↑↓ scroll · esc back · r refresh"
      : view === "help"
        ? "esc back"
        : ([
            `tab panel${sites.length > 1 ? " · ←→ site" : ""} · ↑↓ move · enter details · +/- scale · s sample job · r refresh`,
            `tab panel${sites.length > 1 ? " · ←→ site" : ""} · ↑↓ move · enter details · +/- scale · s job`,
          ].find((k) => k.length + always.length + 3 <= width) ??
          `tab · ${sites.length > 1 ? "←→ site · " : ""}↑↓ · enter details · +/- scale · s job`);
  const hints = quitArmed ? keys : `${truncate(keys, width - always.length - 3)} · ${always}`;

  let body: ReactNode;
  if (view === "help") body = <Help width={width} lines={bodyHeight - 2} />;
  else if (view === "details" && details)
    body = (
      <AppDetails
        details={details}
        groupId={sites.find((s) => s.site === details.site)?.groupId ?? ""}
        width={width}
        lines={bodyHeight - 2}
        scroll={detailScroll}
      />
    );
  else
    body = (
      <>
        <AppsPanel site={site} width={width} rows={appRows} focused={focus === "apps"} selected={selected} />
        <DeploymentsPanel
          site={site}
          width={width}
          lines={deploymentLines}
          focused={focus === "deployments"}
          offset={deploymentScroll}
        />
        <Box flexDirection="row" width={width}>
          <MesosPanel site={site} width={left} focused={focus === "mesos"} />
          <HTCondorPanel
            site={site}
            pool={pool}
            width={width - left}
            focused={focus === "htcondor"}
            sample={sample}
          />
        </Box>
        {showDialog && scale ? (
          <ScaleDialog scale={scale} width={width} lines={bottomLines} />
        ) : (
          <EventLog
            events={state.events}
            width={width}
            lines={bottomLines}
            focused={focus === "events"}
            scroll={eventScroll}
            showSite={sites.length > 1}
          />
        )}
      </>
    );

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold color={theme.color("accent")}>
          bsaas
        </Text>{" "}
        <Text bold>{state.cluster}</Text>
        {` · site ${siteText} · `}
        <Text color={theme.color(stream.state === "live" ? "ok" : "warn")}>{streamText}</Text>
        {" · "}
        <Text color={theme.color(pool.value ? "ok" : pool.error ? "warn" : "muted")}>{poolText}</Text>
        {scaling && scaleHidden ? ` · scaling ${scale?.site} → ${scale?.to}…` : ""}
      </Text>
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {body}
      </Box>
      <Line tone={quitArmed ? "warn" : "muted"}>{hints}</Line>
    </Box>
  );
}
