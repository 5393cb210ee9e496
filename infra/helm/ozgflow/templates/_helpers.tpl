{{/* Names and labels shared by every ozgflow resource. */}}

{{- define "ozgflow.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ozgflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ozgflow.labels" -}}
app.kubernetes.io/name: {{ include "ozgflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "portal"). */}}
{{- define "ozgflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ozgflow.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ozgflow.image" -}}
{{- printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- end -}}

{{/* Environment common to every ozgflow container besides the ConfigMap and the Secret. */}}
{{- define "ozgflow.runtimeEnv" -}}
- name: PREFECT_API_URL
  value: {{ .Values.prefect.apiUrl | quote }}
- name: OZGFLOW_PREFECT_URL
  value: {{ .Values.prefect.apiUrl | quote }}
{{- if .Values.otel.endpoint }}
- name: OZGFLOW_OTEL_EXPORTER
  value: "otlp"
- name: OZGFLOW_OTEL_ENDPOINT
  value: {{ .Values.otel.endpoint | quote }}
{{- end }}
{{- end -}}

{{/* The settings map as env entries (the migration Job runs before the ConfigMap exists). */}}
{{- define "ozgflow.settingsEnv" -}}
{{- range $name, $value := .Values.settings }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "ozgflow.configChecksum" -}}
{{- toYaml .Values.settings | sha256sum -}}
{{- end -}}
