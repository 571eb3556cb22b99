{{- define "mailpipe.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mailpipe.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mailpipe.labels" -}}
{{ include "mailpipe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The mailpipe.yaml of the ConfigMap: values.config plus the keys the chart owns. Fails on a mistake. */}}
{{- define "mailpipe.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $kafka := default dict $config.kafka -}}
{{- if hasKey $kafka "bootstrapServers" -}}
{{- fail "config.kafka.bootstrapServers: set kafka.bootstrapServers instead (the chart passes it as KAFKA_BOOTSTRAP_SERVERS)" -}}
{{- end -}}
{{- if hasKey (default dict $config.worker) "shutdownTimeout" -}}
{{- fail "config.worker.shutdownTimeout: set drain.timeoutSeconds instead (the termination grace period follows it)" -}}
{{- end -}}
{{- if hasKey (default dict $config.management) "port" -}}
{{- fail "config.management.port: set management.port instead (probes and the Service use it)" -}}
{{- end -}}
{{- if not $config.accounts -}}
{{- fail "config.accounts: at least one account is required" -}}
{{- end -}}
{{- range $i, $account := $config.accounts -}}
{{- range $key, $value := $account -}}
{{- if and (regexMatch "(?i)(password|secret|privatekey)$" $key) (kindIs "string" $value) (not (contains "${" $value)) -}}
{{- fail (printf "config.accounts[%d].%s holds a literal value: reference an environment variable (${NAME}) filled from secretEnv, or use a file from secretFiles; secrets never go into values" $i $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := set $kafka "bootstrapServers" "${KAFKA_BOOTSTRAP_SERVERS}" -}}
{{- $_ := set $config "kafka" $kafka -}}
{{- $worker := default dict $config.worker -}}
{{- $_ := set $worker "shutdownTimeout" (printf "PT%dS" (int .Values.drain.timeoutSeconds)) -}}
{{- $_ := set $config "worker" $worker -}}
{{- $management := default dict $config.management -}}
{{- $_ := set $management "port" (int .Values.management.port) -}}
{{- $_ := set $config "management" $management -}}
{{- toYaml $config -}}
{{- end -}}
