"""Wizard labels in English and Chinese (playbook text carries its own Chinese)."""

from __future__ import annotations

from wsdoctor.export.script import in_script as script

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "app_title": "wsdoctor", "sub_title": "why is my WebSocket broken?",
        "start": "Start", "topology": "Topology", "symptoms": "Symptoms", "logs": "Logs",
        "diagnosis": "Diagnosis", "plan": "Plan", "export": "Export", "ranking": "Live ranking",
        "welcome": "Realtime connection broken after a deploy? Begin with whatever you have; every step can be visited in any order and the live ranking on the right follows your answers.",
        "begin_logs": "Paste or open logs", "begin_describe": "Describe it in my words", "begin_questions": "Answer questions",
        "topology_help": "Your stack, from the browser to the app server. Leave 'none / don't know' where it does not apply.",
        "none": "none / don't know", "other": "other (type it)…", "other_placeholder": "type the {key} you use",
        "describe_label": "What do you see? (your words, English or Chinese)",
        "describe_placeholder": "e.g. messages only appear after a refresh; drops every 60 seconds; 刷新后连不上",
        "question": "Question", "no_question": "No question left that would separate the causes further.",
        "yes": "Yes", "no": "No", "dont_know": "Don't know", "answered": "Your answers",
        "paste_label": "Paste browser console, proxy or server log lines:",
        "path_placeholder": "or a log file path (Tab/→ completes)", "open": "Open file", "scan": "Scan logs",
        "matched": "Matched lines", "no_matches": "No signature matched yet.",
        "lines_scanned": "{n} line(s) scanned, {m} matched",
        "probe_placeholder": "or probe a live URL (https://your.site)", "probe": "Probe",
        "key_step(1)": "Next step", "key_step(-1)": "Back", "key_export": "Write runbook", "key_quit": "Quit",
        "probing": "probing {url} ...", "probe_done": "probe: {ok} step(s) passed, {failed} failed",
        "no_diagnosis": "Nothing stands out yet: paste a log line, describe what you see, or answer a question.",
        "evidence": "Evidence", "plan_empty": "The plan appears once a cause stands out.",
        "export_path": "Runbook file", "write": "Write runbook", "copy": "Copy to clipboard",
        "written": "Runbook written to {path}", "copied": "Runbook copied to the clipboard",
        "overwrite": "{path} exists. Overwrite it?", "overwrite_yes": "Overwrite", "cancel": "Cancel",
        "language": "Runbook language", "redact": "Redact secrets",
        "next": "Next", "back": "Back",
    },
    "zh": {
        "app_title": "wsdoctor", "sub_title": "我的 WebSocket 为什么连不上？",
        "start": "开始", "topology": "拓扑", "symptoms": "症状", "logs": "日志",
        "diagnosis": "诊断", "plan": "方案", "export": "导出", "ranking": "实时排名",
        "welcome": "上线后实时连接出问题了？从手头已有的信息开始：每一步都可以随时切换，右侧的实时排名会跟着你的回答更新。",
        "begin_logs": "粘贴或打开日志", "begin_describe": "用自己的话描述", "begin_questions": "回答问题",
        "topology_help": "从浏览器到应用服务器的部署结构。不涉及的项保留“无 / 不知道”。",
        "none": "无 / 不知道", "other": "其他（手动输入）…", "other_placeholder": "输入你使用的 {key}",
        "describe_label": "你看到了什么现象？（中英文都可以）",
        "describe_placeholder": "例如：消息要刷新才显示；每隔 60 秒断开；刷新后连不上",
        "question": "问题", "no_question": "没有能进一步区分原因的问题了。",
        "yes": "是", "no": "否", "dont_know": "不知道", "answered": "你的回答",
        "paste_label": "粘贴浏览器控制台、代理或服务器日志：",
        "path_placeholder": "或输入日志文件路径（Tab/→ 补全）", "open": "打开文件", "scan": "扫描日志",
        "matched": "命中的日志行", "no_matches": "还没有命中任何特征。",
        "lines_scanned": "已扫描 {n} 行，命中 {m} 行",
        "probe_placeholder": "或直接探测线上地址（https://your.site）", "probe": "探测",
        "key_step(1)": "下一步", "key_step(-1)": "上一步", "key_export": "导出运行手册", "key_quit": "退出",
        "probing": "正在探测 {url} ...", "probe_done": "探测完成：{ok} 步通过，{failed} 步失败",
        "no_diagnosis": "暂时没有明显的原因：粘贴一行日志、描述现象，或回答一个问题。",
        "evidence": "证据", "plan_empty": "确定原因后这里会给出处理步骤。",
        "export_path": "手册文件", "write": "写入手册", "copy": "复制到剪贴板",
        "written": "手册已写入 {path}", "copied": "手册已复制到剪贴板",
        "overwrite": "{path} 已存在，要覆盖吗？", "overwrite_yes": "覆盖", "cancel": "取消",
        "language": "手册语言", "redact": "隐藏敏感信息",
        "next": "下一步", "back": "上一步",
    },
}

KEY_NAMES = {
    "en": {"client": "Client", "framework": "Framework", "cdn": "CDN", "load_balancer": "Load balancer",
           "proxy": "Reverse proxy", "tls_termination": "TLS ends at", "server": "Server", "nodes": "Nodes",
           "platform": "Platform"},
    "zh": {"client": "客户端", "framework": "框架", "cdn": "CDN", "load_balancer": "负载均衡",
           "proxy": "反向代理", "tls_termination": "TLS 终止于", "server": "服务端", "nodes": "节点数",
           "platform": "平台"},
}


def base(lang: str) -> str:
    """The language the labels and playbooks are written in: zh-tw reads the Chinese (converted)."""
    return "zh" if lang.startswith("zh") else "en"


def zh(lang: str) -> bool:
    return base(lang) == "zh"


def t(lang: str, label: str, **kw) -> str:
    text = LABELS[base(lang)].get(label) or LABELS["en"][label]
    return script(lang, text.format(**kw) if kw else text)


def key_name(lang: str, key: str) -> str:
    return script(lang, KEY_NAMES[base(lang)][key])
